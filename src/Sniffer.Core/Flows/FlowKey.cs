namespace Sniffer.Core.Flows;

/// <summary>
/// Identifies a TCP connection: client and server endpoints plus the VLAN the frames carried
/// (0 when untagged). Client is the SYN sender, or the side chosen by the flow table's rules
/// when the capture starts mid-stream.
/// </summary>
public readonly record struct FlowKey(NetworkEndpoint Client, NetworkEndpoint Server, ushort VlanId)
{
    public override string ToString() =>
        VlanId == 0 ? $"{Client} → {Server}" : $"{Client} → {Server} (vlan {VlanId})";
}
