using Sniffer.Core.IO;

namespace Sniffer.Core.Flows;

/// <summary>
/// What a dissector may know about the connection it is bound to. The flow table owns it and
/// keeps the timing fields current; dissectors read them, never write them.
/// </summary>
public sealed class FlowContext
{
    public FlowContext(long flowId, FlowKey key, long firstPacketNs, bool pickedUpMidStream)
    {
        FlowId = flowId;
        Key = key;
        FirstPacketNs = firstPacketNs;
        PickedUpMidStream = pickedUpMidStream;
    }

    /// <summary>Unique within one analysis run, increasing in order of first packet.</summary>
    public long FlowId { get; }

    public FlowKey Key { get; }

    public long FirstPacketNs { get; }

    /// <summary>True when the capture did not see the SYN, so the client was inferred.</summary>
    public bool PickedUpMidStream { get; }

    /// <summary>SYN → ACK of the three-way handshake as seen at the capture point, when all three were seen.</summary>
    public long? HandshakeRttNs { get; set; }

    /// <summary>Name of the dissector pinned to this flow, or null while undecided.</summary>
    public string? Protocol { get; set; }

    /// <summary>
    /// What the unfinished bodies, messages and literals of every flow of the analysis may keep together; the flow
    /// table hands each flow its own. Unbounded for a flow made outside a flow table.
    /// </summary>
    public KeptBytesBudget KeptBytesBudget { get; init; } = KeptBytesBudget.Unlimited;
}
