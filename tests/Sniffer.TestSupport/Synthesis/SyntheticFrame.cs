namespace Sniffer.TestSupport.Synthesis;

/// <summary>
/// One Ethernet frame built by <see cref="TcpConversation"/>. <see cref="Payload"/> and the sequence fields
/// are kept beside the bytes so tests can say which data a frame carried after they reorder or drop frames.
/// </summary>
public sealed record SyntheticFrame(byte[] Bytes, long TimestampNs, bool FromClient, uint SequenceNumber, byte[] Payload, byte Flags)
{
    /// <summary>The frame cut to <paramref name="snaplen"/> bytes, as a capture with that snaplen records it.</summary>
    public int CapturedLength(int snaplen) => Math.Min(Bytes.Length, snaplen);
}
