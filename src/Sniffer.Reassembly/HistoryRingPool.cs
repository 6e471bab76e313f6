namespace Sniffer.Reassembly;

/// <summary>
/// The rings of delivered bytes that half-streams keep for the retransmission check, recycled within one
/// reassembler (single-threaded, like it). The shared array pool keeps only a few arrays per size and core,
/// far fewer than the rings of a busy table, so closing flows would hand their rings to the garbage collector.
/// At most <see cref="ReassemblyOptions.MaxRetransmissionHistoryBytesTotal"/> bytes of rings are out at once,
/// which also bounds the free ones.
/// </summary>
internal sealed class HistoryRingPool
{
    private readonly Stack<byte[]> _free = new();
    private readonly long _budget;
    private readonly ReassemblyCounters _counters;

    public HistoryRingPool(ReassemblyOptions options, ReassemblyCounters counters)
    {
        RingBytes = options.RetransmissionHistoryBytes;
        _budget = options.MaxRetransmissionHistoryBytesTotal;
        _counters = counters;
    }

    public int RingBytes { get; }

    /// <summary>A ring of <see cref="RingBytes"/>, or null when the check is off or the budget is spent.</summary>
    public byte[]? TryRent()
    {
        if (RingBytes == 0 || _counters.historyBytes + RingBytes > _budget) return null;
        _counters.historyBytes += RingBytes;
        return _free.Count > 0 ? _free.Pop() : new byte[RingBytes];
    }

    public void Return(byte[] ring)
    {
        _counters.historyBytes -= ring.Length;
        _free.Push(ring);
    }
}
