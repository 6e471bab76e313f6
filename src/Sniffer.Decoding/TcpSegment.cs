using Sniffer.Core.Flows;

namespace Sniffer.Decoding;

[Flags]
public enum TcpFlags : byte
{
    None = 0,
    Fin = 0x01,
    Syn = 0x02,
    Rst = 0x04,
    Psh = 0x08,
    Ack = 0x10,
    Urg = 0x20,
    Ece = 0x40,
    Cwr = 0x80,
}

/// <summary>The TCP options Sniffer reports (RFC 9293 §3.2, RFC 7323, RFC 2018); -1 / false when absent.</summary>
public readonly record struct TcpOptions(int MaximumSegmentSize, int WindowScale, bool SackPermitted, bool HasTimestamps, uint TimestampValue, uint TimestampEcho)
{
    public static TcpOptions None { get; } = new(-1, -1, false, false, 0, 0);
}

/// <summary>
/// A decoded TCP segment lent to the stream layer. <see cref="Payload"/> points into the frame or the
/// decoder's fragment buffer and is valid only until the next frame is decoded.
/// </summary>
public readonly ref struct TcpSegment
{
    public TcpSegment(
        NetworkEndpoint source,
        NetworkEndpoint destination,
        ushort vlanId,
        uint sequenceNumber,
        uint acknowledgmentNumber,
        TcpFlags flags,
        ushort window,
        TcpOptions options,
        ReadOnlySpan<byte> payload,
        int missingPayloadBytes,
        long timestampNs,
        long frameNumber)
    {
        Source = source;
        Destination = destination;
        VlanId = vlanId;
        SequenceNumber = sequenceNumber;
        AcknowledgmentNumber = acknowledgmentNumber;
        Flags = flags;
        Window = window;
        Options = options;
        Payload = payload;
        MissingPayloadBytes = missingPayloadBytes;
        TimestampNs = timestampNs;
        FrameNumber = frameNumber;
    }

    public NetworkEndpoint Source { get; }
    public NetworkEndpoint Destination { get; }

    /// <summary>Innermost 802.1Q VLAN id, 0 when untagged.</summary>
    public ushort VlanId { get; }

    public uint SequenceNumber { get; }
    public uint AcknowledgmentNumber { get; }
    public TcpFlags Flags { get; }

    /// <summary>Raw (unscaled) receive window.</summary>
    public ushort Window { get; }

    public TcpOptions Options { get; }

    /// <summary>The payload bytes that were captured.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>
    /// Payload bytes the IP header promised but the snaplen cut off. They follow <see cref="Payload"/>
    /// in sequence space; the stream layer reports them as a gap.
    /// </summary>
    public int MissingPayloadBytes { get; }

    public long TimestampNs { get; }
    public long FrameNumber { get; }

    public bool Has(TcpFlags flag) => (Flags & flag) == flag;

    /// <summary>Sequence-space length: payload (captured and missing) plus one for SYN and one for FIN.</summary>
    public int SequenceLength =>
        Payload.Length + MissingPayloadBytes + (Has(TcpFlags.Syn) ? 1 : 0) + (Has(TcpFlags.Fin) ? 1 : 0);
}
