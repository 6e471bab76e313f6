using Sniffer.Core.Dissection;

namespace Sniffer.Core.Records;

/// <summary>
/// The summary of one TCP connection, emitted by the flow table when the connection ends (Zeek's conn.log).
/// "Client" is the SYN sender, or the side the flow table inferred when it picked the flow up mid-stream.
/// Per-direction counters are flat properties so the store can index and filter on them.
/// <see cref="SnifferRecord.TimeNs"/> is the first packet's capture time.
/// </summary>
public sealed class FlowRecord : SnifferRecord
{
    /// <summary>"192.0.2.1:51234" or "[2001:db8::1]:51234".</summary>
    public required string Client { get; init; }

    /// <summary>"192.0.2.10:80" or "[2001:db8::10]:80".</summary>
    public required string Server { get; init; }

    public required string ClientAddress { get; init; }
    public ushort ClientPort { get; init; }
    public required string ServerAddress { get; init; }
    public ushort ServerPort { get; init; }
    public bool IsIPv6 { get; init; }

    /// <summary>802.1Q VLAN id, 0 when untagged.</summary>
    public ushort VlanId { get; init; }

    /// <summary>Name of the dissector bound to the flow, or null when none claimed it.</summary>
    public string? Protocol { get; init; }

    /// <summary>True when the dissector was disabled after violations and the rest of the flow was only counted.</summary>
    public bool DissectorDisabled { get; init; }

    /// <summary>True when the capture did not see the SYN, so the client was inferred.</summary>
    public bool PickedUpMidStream { get; init; }

    /// <summary>SYN → ACK of the three-way handshake at the capture point; null unless all three were seen.</summary>
    public long? HandshakeRttNs { get; init; }

    /// <summary>SYN → SYN-ACK: the capture point to the server and back.</summary>
    public long? SynToSynAckNs { get; init; }

    /// <summary>SYN-ACK → ACK: the capture point to the client and back.</summary>
    public long? SynAckToAckNs { get; init; }

    /// <summary>Number of data → ACK round trips measured (tshark's tcp.analysis.ack_rtt).</summary>
    public int AckRttSamples { get; init; }
    public long? AckRttMinNs { get; init; }
    public long? AckRttMedianNs { get; init; }
    public long? AckRttMaxNs { get; init; }

    public long ClientPackets { get; init; }
    public long ServerPackets { get; init; }

    /// <summary>TCP payload bytes sent by the client as seen on the wire, retransmissions and snaplen-cut bytes included.</summary>
    public long ClientPayloadBytes { get; init; }
    public long ServerPayloadBytes { get; init; }

    public long ClientRetransmissions { get; init; }
    public long ServerRetransmissions { get; init; }

    /// <summary>Segments from the client advertising a zero receive window.</summary>
    public long ClientZeroWindows { get; init; }
    public long ServerZeroWindows { get; init; }

    /// <summary>Holes in the client's byte stream that were never filled, and their total size.</summary>
    public long ClientGaps { get; init; }
    public long ClientGapBytes { get; init; }
    public long ServerGaps { get; init; }
    public long ServerGapBytes { get; init; }

    public long FirstPacketNs { get; init; }
    public long LastPacketNs { get; init; }

    public StreamEndReason CloseReason { get; init; }
}
