using Sniffer.Core.Dissection;

namespace Sniffer.Reassembly;

/// <summary>Limits and timeouts of the flow table. Defaults follow Zeek's TCP analyzer where it has an equivalent.</summary>
public sealed record ReassemblyOptions
{
    public static ReassemblyOptions Default { get; } = new();

    /// <summary>A flow with no packet for this long is ended (Zeek's tcp_inactivity_timeout).</summary>
    public long IdleTimeoutNs { get; init; } = 300 * NanosecondsPerSecond;

    /// <summary>
    /// How long a closed flow stays in the table to absorb the last ACKs and late retransmissions before its
    /// record is emitted (Zeek's tcp_close_delay). A new SYN on the same 4-tuple ends the wait at once.
    /// </summary>
    public long ClosedLingerNs { get; init; } = 5 * NanosecondsPerSecond;

    /// <summary>Capture time between two sweeps for idle and closed flows done inside <see cref="TcpReassembler.Process"/>.</summary>
    public long SweepIntervalNs { get; init; } = NanosecondsPerSecond;

    /// <summary>Out-of-order bytes one flow may hold, both directions together; past it the oldest hole becomes a gap.</summary>
    public long MaxBufferedBytesPerFlow { get; init; } = 4L * 1024 * 1024;

    /// <summary>
    /// Out-of-order bytes and bytes left unconsumed by dissectors that all flows together may hold; past it the least
    /// recently active flows give up their holes and their unconsumed bytes, as gaps.
    /// </summary>
    public long MaxBufferedBytesTotal { get; init; } = 256L * 1024 * 1024;

    /// <summary>
    /// Bytes the unfinished HTTP bodies, mail messages and IMAP literals of all flows may keep together (each is
    /// capped on its own by DissectorSettings too); past it, entities count and hash their bytes without keeping them.
    /// </summary>
    public long MaxKeptBytesTotal { get; init; } = 256L * 1024 * 1024;

    /// <summary>
    /// Segments of the flow that may still fill a hole after the peer acknowledged past it, before it becomes a gap.
    /// Captures can show an ACK shortly before the data it acknowledges (multi-queue NICs, merged interfaces).
    /// </summary>
    public int AcknowledgedHoleGraceSegments { get; init; } = 4;

    /// <summary>
    /// Delivered bytes each direction keeps so that a retransmission of them with other content is reported
    /// (tcp_overlap_mismatch); 0 turns the check off. Senders retransmit at most a window's worth, and 16 KB
    /// covers the segments in flight on most paths at a small cost per open flow.
    /// </summary>
    public int RetransmissionHistoryBytes { get; init; } = 16 * 1024;

    /// <summary>Memory all flows' retransmission histories may take together; past it, new streams go unchecked.</summary>
    public long MaxRetransmissionHistoryBytesTotal { get; init; } = 64L * 1024 * 1024;

    /// <summary>Flows tracked at once; past it the least recently active flow is ended (anomaly tcp_flow_limit).</summary>
    public int MaxFlows { get; init; } = 1_000_000;

    /// <summary>Bytes of each direction the registry probes at most before deciding that no content probe matches.</summary>
    public int ProbeBytes { get; init; } = 512;

    /// <summary>Violations after which a dissector is disabled for the flow (one suffices before its first progress).</summary>
    public int MaxViolations { get; init; } = 3;

    /// <summary>Limits handed to every dissector.</summary>
    public DissectorSettings Dissector { get; init; } = DissectorSettings.Default;

    /// <summary>
    /// Unconsumed bytes the framework keeps for a dissector in one direction. A dissector that needs more without
    /// consuming anything is in violation: it should have rejected an over-long line itself.
    /// </summary>
    public int MaxUnconsumedBytes => (int)Math.Min(int.MaxValue / 2, 4L * Dissector.MaxLineBytes);

    internal const long NanosecondsPerSecond = 1_000_000_000;
}
