using System.Buffers;
using Sniffer.Core.Flows;

namespace Sniffer.Reassembly;

/// <summary>Why bytes of a stream will never be delivered.</summary>
internal enum GapCause
{
    /// <summary>The receiver acknowledged bytes the capture never saw (Zeek's "ack above hole").</summary>
    NotCaptured,

    /// <summary>The snaplen cut the payload off (<c>TcpSegment.MissingPayloadBytes</c>).</summary>
    Truncated,

    /// <summary>The flow or the whole table reached its out-of-order buffer cap.</summary>
    BufferLimit,

    /// <summary>The flow ended with the hole still open.</summary>
    StreamEnd,
}

/// <summary>How a receiver would take an RST, judged by its sequence number alone (RFC 5961 §3.2).</summary>
internal enum ResetCheck
{
    /// <summary>At the next expected sequence number: the connection is reset.</summary>
    Exact,

    /// <summary>In the receive window but not at its left edge: the receiver answers with a challenge ACK and stays open.</summary>
    InWindow,

    /// <summary>Outside the receive window: the receiver drops it.</summary>
    OutOfWindow,
}

/// <summary>What a <see cref="TcpHalfStream"/> releases, strictly in stream order.</summary>
internal interface IHalfStreamReceiver
{
    void OnInOrderData(Direction direction, ReadOnlySpan<byte> data, long streamOffset, long timestampNs);

    void OnGap(Direction direction, long streamOffset, long length, GapCause cause, long timestampNs);

    /// <summary>
    /// True while a dissector reads the stream. Only then are delivered bytes kept for the retransmission check:
    /// an inconsistent retransmission matters because the dissector may have read other bytes than the receiver took.
    /// </summary>
    bool IsInspected { get; }

    /// <summary>Every byte before the FIN has been delivered or reported as a gap.</summary>
    void OnFin(Direction direction, long timestampNs);

    void OnOverlapMismatch(Direction direction, long streamOffset, long length, long timestampNs);
}

/// <summary>
/// The receive side of one direction of a TCP connection: turns segments into an in-order byte stream,
/// buffering what arrives early and reporting what is lost for good as gaps of exact length.
/// <para>
/// Sequence numbers are compared modulo 2^32 against the next expected one (RFC 9293 §3.4), so streams
/// wrap around transparently; the stream offsets handed out are 64-bit and start at 0 after the SYN.
/// Out-of-order bytes are kept as non-overlapping pieces sorted by offset. An overlap keeps the bytes
/// that arrived first, as Linux and Windows receivers do, and reports a mismatch when the copies differ.
/// The last bytes delivered are kept too, in a small ring, so a retransmission of bytes already passed on
/// is compared as well (Zeek's retransmission_inconsistency): two versions of the same bytes, one of which
/// only the monitor sees, is how an attacker hides content from it.
/// </para>
/// </summary>
internal sealed class TcpHalfStream
{
    private readonly Direction _direction;
    private readonly IHalfStreamReceiver _receiver;
    private readonly ReassemblyCounters _counters;
    private readonly List<PendingPiece> _pending = new();
    private readonly List<PendingPiece> _merged = new();

    private readonly int _holeGraceSegments;
    private readonly HistoryRingPool _historyRings;

    // The last delivered bytes, a ring ending at _nextOffset; rented on the first delivery, empty again after a gap.
    private byte[]? _history;
    private int _historyEnd;
    private int _historyLength;

    private uint _nextSeq;
    private long _nextOffset;
    private long _acknowledgedOffset;
    private int _graceLeft;
    private long _finOffset = NoFin;
    private bool _finDelivered;

    private const long NoFin = -1;

    // Out-of-order pieces one direction holds, whatever their size. The byte cap alone let one-byte segments sent
    // backwards with a hole between each pile up four million pieces per flow, each placed by shifting all the others:
    // 40,000 of them took a second. Real traffic buffering the whole 4 MB cap in 536-byte segments needs about 7,800.
    private const int MaxPendingPieces = 8192;

    // RFC 7323 §2.3: a scaled window never exceeds 2^30 bytes, so no valid segment or ACK lies further ahead.
    private const long MaxWindow = 1L << 30;

    public TcpHalfStream(Direction direction, IHalfStreamReceiver receiver, ReassemblyCounters counters, ReassemblyOptions options,
        HistoryRingPool historyRings)
    {
        _holeGraceSegments = options.AcknowledgedHoleGraceSegments;
        _historyRings = historyRings;
        _direction = direction;
        _receiver = receiver;
        _counters = counters;
    }

    public bool IsSynchronized { get; private set; }

    /// <summary>Out-of-order bytes held for this direction.</summary>
    public long BufferedBytes { get; private set; }

    /// <summary>Starts the stream: <paramref name="nextSeq"/> is the sequence number of stream offset 0.</summary>
    public void Synchronize(uint nextSeq)
    {
        _nextSeq = nextSeq;
        _nextOffset = 0;
        _acknowledgedOffset = 0;
        IsSynchronized = true;
    }

    /// <summary>
    /// Takes one segment's payload (the SYN's sequence number already skipped) and delivers whatever became
    /// contiguous. Returns true when the segment carried only bytes seen before: a retransmission.
    /// </summary>
    public bool Accept(uint seq, ReadOnlySpan<byte> payload, int missingBytes, bool fin, long timestampNs)
    {
        long start = OffsetOf(seq);
        // Further ahead than any receive window can reach: not this stream's bytes (a stale or forged segment).
        if (start - _nextOffset > MaxWindow) return false;
        long end = start + payload.Length + missingBytes;
        if (fin && _finOffset == NoFin) _finOffset = end;
        // Bytes past the FIN cannot be part of the stream (RFC 9293 §3.10.7.4): keep the first FIN, drop the rest.
        if (_finOffset != NoFin && end > _finOffset) end = Math.Max(start, _finOffset);
        if (start < _nextOffset && !IsKeepAlive(start, end)) CompareWithHistory(start, payload, timestampNs);

        if (end <= _nextOffset)
        {
            TryDeliverFin(timestampNs);
            return end > start && !IsKeepAlive(start, end);
        }
        if (end <= start)
        {
            // Nothing in sequence space left to place: a bare FIN or ACK ahead of a hole, or bytes past the FIN.
            TryDeliverFin(timestampNs);
            return false;
        }

        if (start < _nextOffset)
        {
            // Already delivered in front: keep only the new tail (which may lie entirely in the snaplen-cut part).
            payload = payload[(int)Math.Min(_nextOffset - start, payload.Length)..];
            start = _nextOffset;
        }
        int capturedLength = (int)Math.Min(payload.Length, end - start);
        payload = payload[..capturedLength];

        if (_pending.Count == 0 && start == _nextOffset)
        {
            // The common case: in order with nothing buffered, delivered straight from the caller's span.
            if (!payload.IsEmpty) Deliver(payload, timestampNs);
            if (end > _nextOffset) ReportGap(end - _nextOffset, GapCause.Truncated, timestampNs);
            TryDeliverFin(timestampNs);
            return false;
        }

        long added = Insert(start, end, payload, timestampNs);
        Drain(timestampNs);
        if (_pending.Count > MaxPendingPieces)
        {
            // Each piece placed or delivered costs a shift of those after it. The oldest holes go, as when the bytes
            // are over the cap, and down to half the cap at once, so the shift that removes them is paid for by the
            // thousands of segments it takes to fill the list again.
            _counters.bufferLimitReleases++;
            ReleaseHolesUpTo(_pending[_pending.Count - MaxPendingPieces / 2].Offset, GapCause.BufferLimit, timestampNs);
        }
        return added == 0;
    }

    /// <summary>
    /// The peer acknowledged everything before <paramref name="ack"/>. Whatever of it the capture has not seen was
    /// received without being captured, so it will be given up as a gap by <see cref="AgeAcknowledgedHoles"/>.
    /// </summary>
    public void AcknowledgedUpTo(uint ack)
    {
        if (!IsSynchronized) return;
        long offset = OffsetOf(ack);
        if (offset <= _acknowledgedOffset || offset - _nextOffset > MaxWindow) return;
        if (offset > _nextOffset && _acknowledgedOffset <= _nextOffset) _graceLeft = _holeGraceSegments;
        _acknowledgedOffset = offset;
    }

    /// <summary>
    /// Called after each segment of the flow: a hole the peer acknowledged that the following segments did not fill
    /// is lost for good (Zeek's "ACK above hole"). The grace exists because captures from multi-queue NICs or
    /// merged interfaces can show an ACK just before the data it acknowledges.
    /// </summary>
    public void AgeAcknowledgedHoles(long timestampNs)
    {
        if (AcknowledgedLimit <= _nextOffset || _graceLeft-- > 0) return;
        ReleaseHolesUpTo(AcknowledgedLimit, GapCause.NotCaptured, timestampNs);
    }

    /// <summary>Gives up the first hole so the oldest buffered bytes can be delivered. Returns the bytes released from the buffer.</summary>
    public long ReleaseOldestHole(long timestampNs)
    {
        if (_pending.Count == 0) return 0;
        long before = BufferedBytes;
        ReleaseHolesUpTo(_pending[0].Offset, GapCause.BufferLimit, timestampNs);
        return before - BufferedBytes;
    }

    /// <summary>
    /// Gives up every hole: the buffered bytes are delivered with gaps between them, and the bytes before a FIN
    /// that never came become a gap too. Used when the flow ends and when the whole table is over its memory cap.
    /// </summary>
    public void ReleaseAllHoles(GapCause cause, long timestampNs)
    {
        long limit = _finOffset != NoFin
            ? _finOffset
            : Math.Max(_acknowledgedOffset, _pending.Count > 0 ? _pending[^1].End : _nextOffset);
        ReleaseHolesUpTo(limit, cause, timestampNs);
    }

    /// <summary>
    /// Judges an RST's sequence number as the receiver of this direction would (RFC 5961 §3.2): its next expected
    /// byte is the later of what the capture delivered and what it acknowledged, plus the FIN once that was delivered.
    /// </summary>
    /// <param name="windowBytes">The receiver's last advertised window, scaled.</param>
    public ResetCheck CheckReset(uint seq, long windowBytes)
    {
        if (!IsSynchronized) return ResetCheck.Exact;
        long expected = Math.Max(_finDelivered ? _finOffset + 1 : _nextOffset, _acknowledgedOffset);
        long offset = OffsetOf(seq);
        if (offset == expected) return ResetCheck.Exact;
        return offset > expected && offset - expected < windowBytes ? ResetCheck.InWindow : ResetCheck.OutOfWindow;
    }

    /// <summary>Gives the ring of delivered bytes back to the pool: the flow is closing, or no dissector reads the stream any more.</summary>
    public void ReleaseHistory()
    {
        if (_history is null) return;
        _historyRings.Return(_history);
        _history = null;
        _historyEnd = 0;
        _historyLength = 0;
    }

    /// <summary>Returns the buffered pieces to the pool and forgets the stream.</summary>
    public void Reset()
    {
        ReleaseHistory();
        foreach (PendingPiece piece in _pending)
        {
            if (piece.Data is not null) ArrayPool<byte>.Shared.Return(piece.Data);
        }
        _pending.Clear();
        _counters.AddBuffered(-BufferedBytes);
        BufferedBytes = 0;
        _nextSeq = 0;
        _nextOffset = 0;
        _finOffset = NoFin;
        _finDelivered = false;
        _acknowledgedOffset = 0;
        _graceLeft = 0;
        IsSynchronized = false;
    }

    // Valid within 2^31 of the next expected byte, which the receive window always is (RFC 7323 §2.3 caps it at 2^30).
    // The FIN occupies one sequence number (RFC 9293 §3.4) that is not a byte of the stream, so an ACK of it covers one byte less.
    private long AcknowledgedLimit => _finOffset != NoFin ? Math.Min(_acknowledgedOffset, _finOffset) : _acknowledgedOffset;

    private long OffsetOf(uint seq) => _nextOffset + (int)(seq - _nextSeq);

    // RFC 9293 §3.8.4: a keep-alive carries SEG.SEQ = SND.NXT - 1 and zero or one byte of garbage.
    private bool IsKeepAlive(long start, long end) => start == _nextOffset - 1 && end - start <= 1;

    private void ReleaseHolesUpTo(long limit, GapCause cause, long timestampNs)
    {
        // The pieces delivered are removed once at the end: removing them hole by hole shifted every piece still
        // buffered once per hole, quadratic in a flow that alternates one-byte pieces and holes.
        int taken = 0;
        while (_nextOffset < limit)
        {
            long holeEnd = taken < _pending.Count ? Math.Min(_pending[taken].Offset, limit) : limit;
            if (holeEnd > _nextOffset) ReportGap(holeEnd - _nextOffset, cause, timestampNs);
            taken = DeliverContiguous(taken);
        }
        _pending.RemoveRange(0, taken);
        TryDeliverFin(timestampNs);
    }

    /// <summary>Buffers the parts of [start, end) not already buffered; compares the parts that are. Returns the bytes added.</summary>
    private long Insert(long start, long end, ReadOnlySpan<byte> payload, long timestampNs)
    {
        long capturedEnd = start + payload.Length;
        int first = FirstPieceEndingAfter(start);
        int index = first;
        long cursor = start;
        long added = 0;
        // The pieces the segment overlaps, with the new ones between them, replace them in one splice: inserting each
        // new piece where it goes shifted every later piece once per hole the segment filled.
        _merged.Clear();
        while (cursor < end)
        {
            if (index == _pending.Count || _pending[index].Offset >= end)
            {
                added += AddPieces(cursor, end, start, capturedEnd, payload, timestampNs);
                break;
            }
            PendingPiece existing = _pending[index];
            if (existing.Offset > cursor)
            {
                added += AddPieces(cursor, existing.Offset, start, capturedEnd, payload, timestampNs);
            }
            _merged.Add(existing);
            long overlapStart = Math.Max(cursor, existing.Offset);
            long overlapEnd = Math.Min(end, existing.End);
            CompareOverlap(existing, overlapStart, Math.Min(overlapEnd, capturedEnd), start, payload, timestampNs);
            cursor = overlapEnd;
            index++;
        }
        if (added > 0)
        {
            _pending.RemoveRange(first, index - first);
            _pending.InsertRange(first, _merged);
        }
        _merged.Clear();
        return added;
    }

    // Splits [from, to) where the captured payload ends: what follows was cut by the snaplen and is buffered as a hole marker.
    private long AddPieces(long from, long to, long payloadStart, long capturedEnd, ReadOnlySpan<byte> payload, long timestampNs)
    {
        long length = to - from;
        long dataLength = 0;
        if (from < capturedEnd)
        {
            long dataEnd = Math.Min(to, capturedEnd);
            ReadOnlySpan<byte> bytes = payload.Slice((int)(from - payloadStart), (int)(dataEnd - from));
            byte[] copy = ArrayPool<byte>.Shared.Rent(bytes.Length);
            bytes.CopyTo(copy);
            _merged.Add(new PendingPiece(from, bytes.Length, copy, timestampNs));
            dataLength = bytes.Length;
            from = dataEnd;
        }
        if (from < to) _merged.Add(new PendingPiece(from, (int)(to - from), null, timestampNs));
        // Only captured bytes take memory; hole markers count towards no cap.
        BufferedBytes += dataLength;
        _counters.AddBuffered(dataLength);
        return length;
    }

    private void CompareOverlap(in PendingPiece existing, long from, long to, long payloadStart, ReadOnlySpan<byte> payload, long timestampNs)
    {
        _counters.overlaps++;
        if (existing.Data is null || to <= from) return;
        ReadOnlySpan<byte> kept = existing.Data.AsSpan((int)(from - existing.Offset), (int)(to - from));
        ReadOnlySpan<byte> offered = payload.Slice((int)(from - payloadStart), (int)(to - from));
        if (kept.SequenceEqual(offered)) return;
        _counters.overlapMismatches++;
        _receiver.OnOverlapMismatch(_direction, from, to - from, timestampNs);
    }

    private int FirstPieceEndingAfter(long offset)
    {
        int low = 0, high = _pending.Count;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (_pending[middle].End <= offset) low = middle + 1;
            else high = middle;
        }
        return low;
    }

    /// <summary>Delivers the buffered pieces that start exactly at the next expected byte.</summary>
    private void Drain(long timestampNs)
    {
        _pending.RemoveRange(0, DeliverContiguous(0));
        TryDeliverFin(timestampNs);
    }

    /// <summary>Delivers the pieces from <paramref name="taken"/> on that start at the next expected byte; returns the index after them. The caller removes them.</summary>
    private int DeliverContiguous(int taken)
    {
        while (taken < _pending.Count && _pending[taken].Offset == _nextOffset)
        {
            PendingPiece piece = _pending[taken++];
            if (piece.Data is null)
            {
                ReportGap(piece.Length, GapCause.Truncated, piece.TimestampNs);
                continue;
            }
            // Uncounted first: the dissector's buffer counts whatever of it is left unconsumed.
            BufferedBytes -= piece.Length;
            _counters.AddBuffered(-piece.Length);
            Deliver(piece.Data.AsSpan(0, piece.Length), piece.TimestampNs);
            ArrayPool<byte>.Shared.Return(piece.Data);
        }
        return taken;
    }

    private void Deliver(ReadOnlySpan<byte> data, long timestampNs)
    {
        long offset = _nextOffset;
        Remember(data);
        Advance(data.Length);
        _receiver.OnInOrderData(_direction, data, offset, timestampNs);
    }

    private void ReportGap(long length, GapCause cause, long timestampNs)
    {
        long offset = _nextOffset;
        // The ring holds bytes contiguous up to _nextOffset; after a gap its old bytes sit at unknown distances.
        _historyLength = 0;
        Advance(length);
        _receiver.OnGap(_direction, offset, length, cause, timestampNs);
    }

    /// <summary>Appends delivered bytes to the ring, dropping its oldest.</summary>
    private void Remember(ReadOnlySpan<byte> data)
    {
        if (!_receiver.IsInspected)
        {
            ReleaseHistory();
            return;
        }
        // Past the rings' budget this stream goes unchecked: the check is best effort, the memory bound is not.
        _history ??= _historyRings.TryRent();
        if (_history is null) return;
        int capacity = _history.Length;
        if (data.Length >= capacity)
        {
            data[^capacity..].CopyTo(_history);
            _historyEnd = 0;
            _historyLength = capacity;
            return;
        }
        int first = Math.Min(data.Length, capacity - _historyEnd);
        data[..first].CopyTo(_history.AsSpan(_historyEnd));
        data[first..].CopyTo(_history);
        _historyEnd = (_historyEnd + data.Length) % capacity;
        _historyLength = Math.Min(capacity, _historyLength + data.Length);
    }

    /// <summary>
    /// A segment starting before <see cref="_nextOffset"/> resends delivered bytes: the copy delivered first stands,
    /// as it did for the receiver, and captured bytes still in the ring that differ from it are reported.
    /// </summary>
    private void CompareWithHistory(long start, ReadOnlySpan<byte> payload, long timestampNs)
    {
        long from = Math.Max(start, _nextOffset - _historyLength);
        long to = Math.Min(start + payload.Length, _nextOffset);
        if (_history is null || to <= from) return;
        ReadOnlySpan<byte> offered = payload.Slice((int)(from - start), (int)(to - from));
        // Ring position of stream offset `from`: _historyEnd is where _nextOffset would go, and from lies within the ring.
        int capacity = _history.Length;
        int position = (_historyEnd - (int)(_nextOffset - from) + capacity) % capacity;
        int first = Math.Min(offered.Length, capacity - position);
        if (_history.AsSpan(position, first).SequenceEqual(offered[..first])
            && _history.AsSpan(0, offered.Length - first).SequenceEqual(offered[first..]))
        {
            return;
        }
        _counters.overlapMismatches++;
        _receiver.OnOverlapMismatch(_direction, from, to - from, timestampNs);
    }

    private void Advance(long length)
    {
        _nextOffset += length;
        _nextSeq = unchecked(_nextSeq + (uint)length);
    }

    private void TryDeliverFin(long timestampNs)
    {
        if (_finDelivered || _finOffset == NoFin || _nextOffset < _finOffset) return;
        _finDelivered = true;
        _receiver.OnFin(_direction, timestampNs);
    }

    /// <summary>Bytes [Offset, Offset + Length) of the stream; <see cref="Data"/> is null for bytes the snaplen cut off.</summary>
    private readonly record struct PendingPiece(long Offset, int Length, byte[]? Data, long TimestampNs)
    {
        public long End => Offset + Length;
    }
}
