using Sniffer.Core.Flows;

namespace Sniffer.Reassembly;

/// <summary>The flow table's key: both endpoints in a fixed order, so either direction's packets find the same flow, plus the VLAN.</summary>
internal readonly record struct FlowTableKey(NetworkEndpoint Lower, NetworkEndpoint Upper, ushort VlanId)
{
    public static FlowTableKey Of(NetworkEndpoint source, NetworkEndpoint destination, ushort vlanId) =>
        Precedes(source, destination) ? new(source, destination, vlanId) : new(destination, source, vlanId);

    private static bool Precedes(NetworkEndpoint a, NetworkEndpoint b) =>
        a.IsIPv6 != b.IsIPv6 ? !a.IsIPv6 : a.Address != b.Address ? a.Address < b.Address : a.Port <= b.Port;
}
