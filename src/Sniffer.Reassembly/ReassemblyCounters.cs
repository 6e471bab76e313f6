namespace Sniffer.Reassembly;

/// <summary>Running totals of one <see cref="TcpReassembler"/>; read them between calls, never concurrently.</summary>
public sealed class ReassemblyCounters
{
    internal long flowsSeen;
    internal long flowsClosed;
    internal long segments;
    internal long bytesDelivered;
    internal long gaps;
    internal long gapBytes;
    internal long overlaps;
    internal long overlapMismatches;
    internal long retransmissions;
    internal long bufferedBytes;
    internal long unconsumedBytes;
    internal long peakBufferedBytes;
    internal long historyBytes;
    internal long resetsInWindow;
    internal long resetsOutOfWindow;
    internal long bufferLimitReleases;
    internal long flowsEvicted;

    public long FlowsSeen => flowsSeen;

    /// <summary>Flows currently in the table, closed ones still lingering included.</summary>
    public long FlowsActive { get; internal set; }

    /// <summary>Flows whose record was emitted.</summary>
    public long FlowsClosed => flowsClosed;

    public long Segments => segments;

    /// <summary>In-order payload bytes handed to the dissector layer.</summary>
    public long BytesDelivered => bytesDelivered;

    public long Gaps => gaps;
    public long GapBytes => gapBytes;

    /// <summary>Segments that overlapped bytes already buffered out of order.</summary>
    public long Overlaps => overlaps;

    /// <summary>Overlaps whose bytes differed from what was buffered first.</summary>
    public long OverlapMismatches => overlapMismatches;

    public long Retransmissions => retransmissions;

    /// <summary>
    /// Stream bytes held right now: out-of-order pieces waiting for a hole to fill, and bytes dissectors were offered
    /// but left unconsumed. <see cref="ReassemblyOptions.MaxBufferedBytesTotal"/> caps this sum.
    /// </summary>
    public long BufferedBytes => bufferedBytes;

    /// <summary>The part of <see cref="BufferedBytes"/> dissectors left unconsumed (or that waits for a dissector to be chosen).</summary>
    public long UnconsumedBytes => unconsumedBytes;

    /// <summary>Memory held by the rings of recently delivered bytes kept to check retransmissions against.</summary>
    public long HistoryBytes => historyBytes;

    /// <summary>RSTs inside the receive window but not at its left edge: ignored, as the receiver answers them with a challenge ACK (RFC 5961 §3.2).</summary>
    public long ResetsInWindow => resetsInWindow;

    /// <summary>RSTs outside the receive window: ignored, as the receiver drops them (RFC 5961 §3.2).</summary>
    public long ResetsOutOfWindow => resetsOutOfWindow;

    public long PeakBufferedBytes => peakBufferedBytes;

    /// <summary>Holes given up because a flow or the whole table reached its buffer cap.</summary>
    public long BufferLimitReleases => bufferLimitReleases;

    /// <summary>Flows ended early because the table reached <see cref="ReassemblyOptions.MaxFlows"/>.</summary>
    public long FlowsEvicted => flowsEvicted;

    /// <summary>
    /// Makes these counters the sum of several flow tables' (the workers of a sharded run). Peaks are added up too, so
    /// <see cref="PeakBufferedBytes"/> is then an upper bound of the tables' peak together.
    /// </summary>
    public void SetToSumOf(IEnumerable<ReassemblyCounters> parts)
    {
        var sum = new ReassemblyCounters();
        foreach (ReassemblyCounters part in parts)
        {
            sum.flowsSeen += part.flowsSeen;
            sum.flowsClosed += part.flowsClosed;
            sum.segments += part.segments;
            sum.bytesDelivered += part.bytesDelivered;
            sum.gaps += part.gaps;
            sum.gapBytes += part.gapBytes;
            sum.overlaps += part.overlaps;
            sum.overlapMismatches += part.overlapMismatches;
            sum.retransmissions += part.retransmissions;
            sum.bufferedBytes += part.bufferedBytes;
            sum.unconsumedBytes += part.unconsumedBytes;
            sum.peakBufferedBytes += part.peakBufferedBytes;
            sum.historyBytes += part.historyBytes;
            sum.resetsInWindow += part.resetsInWindow;
            sum.resetsOutOfWindow += part.resetsOutOfWindow;
            sum.bufferLimitReleases += part.bufferLimitReleases;
            sum.flowsEvicted += part.flowsEvicted;
            sum.FlowsActive += part.FlowsActive;
        }
        (flowsSeen, flowsClosed, segments, bytesDelivered, gaps, gapBytes) =
            (sum.flowsSeen, sum.flowsClosed, sum.segments, sum.bytesDelivered, sum.gaps, sum.gapBytes);
        (overlaps, overlapMismatches, retransmissions, bufferedBytes, unconsumedBytes, peakBufferedBytes) =
            (sum.overlaps, sum.overlapMismatches, sum.retransmissions, sum.bufferedBytes, sum.unconsumedBytes, sum.peakBufferedBytes);
        (historyBytes, resetsInWindow, resetsOutOfWindow, bufferLimitReleases, flowsEvicted) =
            (sum.historyBytes, sum.resetsInWindow, sum.resetsOutOfWindow, sum.bufferLimitReleases, sum.flowsEvicted);
        FlowsActive = sum.FlowsActive;
    }

    internal void AddUnconsumed(long delta)
    {
        unconsumedBytes += delta;
        AddBuffered(delta);
    }

    internal void AddBuffered(long delta)
    {
        bufferedBytes += delta;
        if (bufferedBytes > peakBufferedBytes) peakBufferedBytes = bufferedBytes;
    }
}
