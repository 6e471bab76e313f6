using System.Buffers;
using Sniffer.Core.Dissection;

namespace Sniffer.Reassembly;

/// <summary>
/// The bytes of one direction a dissector has been offered but not consumed, in one pooled contiguous
/// array, with the capture time of every packet they came from. It is the <see cref="IStreamClock"/> handed
/// to <see cref="IStreamDissector.OnData"/>: relative offsets count from the first unconsumed byte.
/// <para>
/// The arrays go back to the pool whenever the dissector has consumed everything, so a flow holds memory only
/// for bytes actually left over (a partial line, a header block in progress), never for an idle connection;
/// those bytes count towards <see cref="ReassemblyCounters.UnconsumedBytes"/> and the table's global cap. An empty
/// buffer takes a delivery into its reassembler's <see cref="StreamScratch"/> instead of renting, and gives back
/// or copies out what is left in <see cref="Settle"/>.
/// </para>
/// </summary>
internal sealed class StreamBuffer : IStreamClock
{
    private const int InitialCapacity = 4096;

    private readonly ReassemblyCounters _counters;
    private readonly StreamScratch _scratch;
    private byte[] _bytes = [];
    private int _start;
    private int _end;
    private long _startOffset;

    // One mark per packet boundary: the stream offset where a packet's bytes begin and that packet's capture time.
    private TimeMark[] _marks = [];
    private int _firstMark;
    private int _markCount;

    public StreamBuffer(ReassemblyCounters counters, StreamScratch scratch)
    {
        _counters = counters;
        _scratch = scratch;
    }

    private bool Borrowing => ReferenceEquals(_scratch.Holder, this);

    public int Length => _end - _start;

    /// <summary>Stream offset of the first unconsumed byte.</summary>
    public long StartOffset => _startOffset;

    public ReadOnlySpan<byte> Unconsumed => _bytes.AsSpan(_start, Length);

    public ReadOnlySequence<byte> UnconsumedSequence => new(_bytes, _start, Length);

    /// <summary>Capture time of the first unconsumed byte; <see cref="long.MaxValue"/> when empty.</summary>
    public long FirstByteTimeNs => Length == 0 ? long.MaxValue : _marks[_firstMark].TimestampNs;

    /// <summary>Appends bytes that start at <paramref name="streamOffset"/>, which follows the held bytes unless the buffer is empty.</summary>
    public void Append(ReadOnlySpan<byte> data, long streamOffset, long timestampNs)
    {
        if (data.IsEmpty) return;
        if (Length == 0)
        {
            Restart(streamOffset);
            if (_bytes.Length == 0 && _scratch.Holder is null && data.Length <= StreamScratch.Capacity)
            {
                _scratch.Holder = this;
                _bytes = _scratch.Bytes;
                _marks = _scratch.Marks;
            }
        }
        EnsureRoom(data.Length);
        data.CopyTo(_bytes.AsSpan(_end));
        AddMark(_startOffset + Length, timestampNs);
        _end += data.Length;
        _counters.AddUnconsumed(data.Length);
    }

    public void Consume(long count)
    {
        if (count == 0) return;
        _start += (int)count;
        _startOffset += count;
        _counters.AddUnconsumed(-count);
        if (Length == 0) DiscardAll(_startOffset);
        else
        {
            while (_markCount - _firstMark > 1 && _marks[_firstMark + 1].Offset <= _startOffset) _firstMark++;
        }
    }

    /// <summary>
    /// Drops every held byte and returns the arrays to the pool; the buffer stays usable, rents again on demand,
    /// and the next byte appended will be at <paramref name="nextOffset"/>.
    /// </summary>
    public void DiscardAll(long nextOffset)
    {
        _counters.AddUnconsumed(-Length);
        ReleaseBytes();
        ReleaseMarks();
        if (Borrowing) _scratch.Holder = null;
        Restart(nextOffset);
    }

    /// <summary>Ends a delivery: bytes left in the borrowed scratch arrays move to arrays of this buffer's own.</summary>
    public void Settle()
    {
        if (!Borrowing) return;
        if (Length == 0) DiscardAll(_startOffset);
        else LeaveScratch();
    }

    private void LeaveScratch()
    {
        byte[] bytes = ArrayPool<byte>.Shared.Rent(Math.Max(InitialCapacity, Length));
        Buffer.BlockCopy(_bytes, _start, bytes, 0, Length);
        int live = _markCount - _firstMark;
        TimeMark[] marks = ArrayPool<TimeMark>.Shared.Rent(Math.Max(16, live));
        Array.Copy(_marks, _firstMark, marks, 0, live);
        _scratch.Holder = null;
        (_bytes, _end, _start) = (bytes, Length, 0);
        (_marks, _markCount, _firstMark) = (marks, live, 0);
    }

    private void ReleaseBytes()
    {
        if (_bytes.Length > 0 && !Borrowing) ArrayPool<byte>.Shared.Return(_bytes);
        _bytes = [];
    }

    private void ReleaseMarks()
    {
        if (_marks.Length > 0 && !Borrowing) ArrayPool<TimeMark>.Shared.Return(_marks);
        _marks = [];
    }

    public long TimeAt(long relativeOffset)
    {
        if (_markCount == _firstMark) return 0;
        long offset = _startOffset + relativeOffset;
        int low = _firstMark, high = _markCount - 1;
        // Last mark at or before the offset: the packet that carried this byte.
        while (low < high)
        {
            int middle = (low + high + 1) >>> 1;
            if (_marks[middle].Offset <= offset) low = middle;
            else high = middle - 1;
        }
        return _marks[low].TimestampNs;
    }

    public long StreamOffsetOf(long relativeOffset) => _startOffset + relativeOffset;

    private void Restart(long streamOffset)
    {
        _start = 0;
        _end = 0;
        _startOffset = streamOffset;
        _firstMark = 0;
        _markCount = 0;
    }

    private void AddMark(long offset, long timestampNs)
    {
        if (_markCount > _firstMark && _marks[_markCount - 1].TimestampNs == timestampNs) return;
        if (_markCount == _marks.Length && Borrowing) LeaveScratch();
        if (_markCount == _marks.Length)
        {
            int live = _markCount - _firstMark;
            TimeMark[] target = live * 2 <= _marks.Length && _marks.Length > 0
                ? _marks
                : ArrayPool<TimeMark>.Shared.Rent(Math.Max(16, live * 2));
            Array.Copy(_marks, _firstMark, target, 0, live);
            if (!ReferenceEquals(target, _marks)) ReleaseMarks();
            _marks = target;
            _firstMark = 0;
            _markCount = live;
        }
        _marks[_markCount++] = new TimeMark(offset, timestampNs);
    }

    private void EnsureRoom(int count)
    {
        if (_end + count <= _bytes.Length) return;
        if (Borrowing) LeaveScratch();
        if (_end + count <= _bytes.Length) return;
        int length = Length;
        if (length + count <= _bytes.Length)
        {
            // Enough room once the consumed prefix is dropped.
            Buffer.BlockCopy(_bytes, _start, _bytes, 0, length);
        }
        else
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(InitialCapacity, Math.Max(_bytes.Length * 2, length + count)));
            Buffer.BlockCopy(_bytes, _start, larger, 0, length);
            ReleaseBytes();
            _bytes = larger;
        }
        _start = 0;
        _end = length;
    }

    internal readonly record struct TimeMark(long Offset, long TimestampNs);
}
