namespace Sniffer.Core.Packets;

/// <summary>
/// One captured frame, lent by a capture source for the duration of a call: <see cref="Data"/> points
/// into the source's buffer and is valid only until the source reads the next frame. Copy to keep.
/// </summary>
public readonly ref struct CaptureFrame
{
    public CaptureFrame(ReadOnlySpan<byte> data, int originalLength, long timestampNs, LinkType linkType, long frameNumber)
    {
        Data = data;
        OriginalLength = originalLength;
        TimestampNs = timestampNs;
        LinkType = linkType;
        FrameNumber = frameNumber;
    }

    /// <summary>The captured bytes (at most the snaplen).</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>The frame's length on the wire; larger than <c>Data.Length</c> when the snaplen cut it.</summary>
    public int OriginalLength { get; }

    /// <summary>Capture time in Unix nanoseconds.</summary>
    public long TimestampNs { get; }

    public LinkType LinkType { get; }

    /// <summary>1-based position in the capture, as Wireshark numbers frames.</summary>
    public long FrameNumber { get; }

    public bool IsTruncated => OriginalLength > Data.Length;
}
