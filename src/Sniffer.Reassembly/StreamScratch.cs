namespace Sniffer.Reassembly;

/// <summary>
/// The arrays an empty <see cref="StreamBuffer"/> borrows for one delivery, lent by one reassembler (single-threaded,
/// like it) to each flow in turn. Most deliveries are consumed whole by the dissector, so the bytes never need a home
/// of their own: renting and returning a pooled array per packet (twice, with the time marks) cost more than the
/// dissection of a segment of body. What a dissector leaves unconsumed moves to the flow's own arrays before the next
/// delivery (<see cref="StreamBuffer.Settle"/>).
/// </summary>
internal sealed class StreamScratch
{
    /// <summary>Larger than any one segment: a delivery that does not fit rents as before.</summary>
    public const int Capacity = 64 * 1024;

    public byte[] Bytes { get; } = new byte[Capacity];

    /// <summary>One mark per packet of a delivery; an in-order segment is one packet.</summary>
    public StreamBuffer.TimeMark[] Marks { get; } = new StreamBuffer.TimeMark[16];

    /// <summary>The buffer holding the arrays now, if any.</summary>
    public StreamBuffer? Holder { get; set; }
}
