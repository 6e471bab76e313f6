using System.Buffers;
using Sniffer.Core.Flows;
using Sniffer.Core.Records;

namespace Sniffer.Decoding;

/// <summary>
/// Identifies the datagram a fragment belongs to: RFC 791 §3.2 keys IPv4 on source, destination, protocol
/// and identification; RFC 8200 §4.5 keys IPv6 on source, destination and identification only (the
/// fragments' Next Header values may differ), so <see cref="Protocol"/> is 0 for IPv6.
/// </summary>
internal readonly record struct FragmentKey(UInt128 Source, UInt128 Destination, uint Identification, byte Protocol, bool IsIPv6)
{
    public override string ToString() =>
        $"IPv{(IsIPv6 ? 6 : 4)} {new NetworkEndpoint(Source, 0, IsIPv6).AddressText} -> {new NetworkEndpoint(Destination, 0, IsIPv6).AddressText} id {Identification}";
}

internal enum FragmentOutcome
{
    /// <summary>Buffered; the datagram is still incomplete.</summary>
    Held,
    /// <summary>Dropped and reported (inconsistent or over a limit).</summary>
    Dropped,
    /// <summary>This fragment completed its datagram.</summary>
    Completed,
}

/// <summary>
/// Reassembles IPv4 (RFC 791, with RFC 815's hole bookkeeping reduced to a sorted list of received ranges)
/// and IPv6 (RFC 8200 §4.5) datagrams into pooled buffers.
/// <para>
/// Overlaps: RFC 5722 tells an IPv6 host to discard the whole datagram, and hosts differ on IPv4. A passive
/// analyzer cannot know which copy the receiver kept, so we keep the first bytes received (as Zeek does)
/// and report the overlap when the bytes differ; exact duplicates are normal retransmissions and pass silently.
/// </para>
/// </summary>
internal sealed class FragmentReassembler
{
    private readonly DecoderSettings _settings;
    private readonly DecoderCounters _counters;
    private readonly AnomalyReporter _anomalies;
    private readonly Dictionary<FragmentKey, PartialDatagram> _inFlight = [];
    private readonly Stack<PartialDatagram> _spare = new();
    private byte[]? _lentBuffer;

    public FragmentReassembler(DecoderSettings settings, DecoderCounters counters, AnomalyReporter anomalies)
    {
        _settings = settings;
        _counters = counters;
        _anomalies = anomalies;
    }

    public int DatagramsInFlight => _inFlight.Count;

    /// <summary>Buffer bytes reserved by datagrams in reassembly (what <see cref="DecoderSettings.MaxFragmentBytesTotal"/> bounds).</summary>
    public long BufferedBytes { get; private set; }

    /// <summary>
    /// Adds one fragment. On <see cref="FragmentOutcome.Completed"/>, <paramref name="datagram"/> is the
    /// reassembled payload (valid until <see cref="ReleaseLentBuffer"/>) and <paramref name="protocol"/> the
    /// upper-layer protocol the offset-zero fragment named.
    /// </summary>
    public FragmentOutcome Add(
        scoped in FragmentKey key, int offset, bool moreFragments, byte protocolIfFirst, ReadOnlySpan<byte> data,
        long timeNs, long frameNumber, out ReadOnlySpan<byte> datagram, out byte protocol)
    {
        datagram = default;
        protocol = 0;
        _counters.FragmentsReceived++;
        int end = offset + data.Length;

        if (end > _settings.MaxBytesPerDatagram)
        {
            _anomalies.Report(AnomalyKinds.FragmentLimit, "ip", timeNs, frameNumber,
                $"{key}: fragment ends at byte {end}, beyond the {_settings.MaxBytesPerDatagram}-byte datagram limit; fragment dropped");
            return FragmentOutcome.Dropped;
        }
        // RFC 791 §3.2 and RFC 8200 §4.5: every fragment but the last carries a multiple of 8 bytes.
        if (moreFragments && data.Length % 8 != 0)
        {
            return Inconsistent(key, timeNs, frameNumber, $"non-final fragment of {data.Length} bytes, not a multiple of 8");
        }

        if (_inFlight.TryGetValue(key, out PartialDatagram? partial) && timeNs > partial.DeadlineNs)
        {
            // The identification was reused after our timer ran out: the old datagram is lost, this one is new.
            Abandon(key, partial, AnomalyKinds.FragmentTimeout, frameNumber, "reassembly timed out");
            partial = null;
        }
        partial ??= StartDatagram(key, timeNs, frameNumber);

        if (partial.TotalLength >= 0 && (end > partial.TotalLength || (!moreFragments && end != partial.TotalLength)))
        {
            return Inconsistent(key, timeNs, frameNumber, $"fragment {offset}-{end} disagrees with the datagram length {partial.TotalLength} set by an earlier last fragment");
        }
        if (!moreFragments && partial.ReceivedEnd > end)
        {
            return Inconsistent(key, timeNs, frameNumber, $"last fragment ends at {end} but bytes up to {partial.ReceivedEnd} were already received");
        }
        if (!TryReserve(key, partial, end, frameNumber))
        {
            return FragmentOutcome.Dropped;
        }

        if (partial.CopyFirstWins(offset, data))
        {
            _anomalies.Report(AnomalyKinds.FragmentOverlap, "ip", timeNs, frameNumber,
                $"{key}: fragment {offset}-{end} overlaps earlier fragments with different bytes; the first bytes are kept");
        }
        if (offset == 0 && partial.Protocol < 0) partial.Protocol = protocolIfFirst;
        if (!moreFragments) partial.TotalLength = end;

        if (!partial.IsComplete) return FragmentOutcome.Held;

        _inFlight.Remove(key);
        BufferedBytes -= partial.ReservedBytes;
        _lentBuffer = partial.DetachBuffer();
        datagram = _lentBuffer.AsSpan(0, partial.TotalLength);
        protocol = (byte)partial.Protocol;
        Recycle(partial);
        _counters.DatagramsReassembled++;
        return FragmentOutcome.Completed;
    }

    /// <summary>Returns the buffer of the last completed datagram to the pool; its span must no longer be in use.</summary>
    public void ReleaseLentBuffer()
    {
        if (_lentBuffer is { Length: > 0 }) ArrayPool<byte>.Shared.Return(_lentBuffer);
        _lentBuffer = null;
    }

    /// <summary>Abandons every datagram whose timer (counted from its first fragment) ran out before <paramref name="nowNs"/>.</summary>
    public int Expire(long nowNs)
    {
        int expired = 0;
        foreach ((FragmentKey key, PartialDatagram partial) in _inFlight)
        {
            if (nowNs <= partial.DeadlineNs) continue;
            // Removing the current entry while enumerating is allowed by Dictionary since .NET Core 3.0.
            Abandon(key, partial, AnomalyKinds.FragmentTimeout, partial.FirstFrameNumber, "reassembly timed out");
            expired++;
        }
        return expired;
    }

    private PartialDatagram StartDatagram(in FragmentKey key, long timeNs, long frameNumber)
    {
        if (_inFlight.Count >= _settings.MaxFragmentDatagramsInFlight)
        {
            Expire(timeNs);
        }
        if (_inFlight.Count >= _settings.MaxFragmentDatagramsInFlight)
        {
            EvictOldest(except: null, frameNumber, $"more than {_settings.MaxFragmentDatagramsInFlight} datagrams in reassembly");
        }
        TimeSpan timeout = key.IsIPv6 ? _settings.IPv6FragmentTimeout : _settings.IPv4FragmentTimeout;
        PartialDatagram partial = _spare.Count > 0 ? _spare.Pop() : new PartialDatagram();
        partial.Start(timeNs, timeNs + (long)timeout.TotalNanoseconds, frameNumber);
        _inFlight.Add(key, partial);
        return partial;
    }

    /// <summary>Makes room for bytes up to <paramref name="end"/>, evicting the oldest other datagrams if the total budget requires it.</summary>
    private bool TryReserve(in FragmentKey key, PartialDatagram partial, int end, long frameNumber)
    {
        if (end <= partial.ReservedBytes) return true;
        int reserve = Math.Min(Math.Max(end, partial.ReservedBytes * 2), _settings.MaxBytesPerDatagram);
        int growth = reserve - partial.ReservedBytes;
        while (BufferedBytes + growth > _settings.MaxFragmentBytesTotal && _inFlight.Count > 1)
        {
            EvictOldest(except: partial, frameNumber, $"fragment buffers above {_settings.MaxFragmentBytesTotal} bytes");
        }
        if (BufferedBytes + growth > _settings.MaxFragmentBytesTotal)
        {
            Abandon(key, partial, AnomalyKinds.FragmentLimit, frameNumber, $"fragment buffers above {_settings.MaxFragmentBytesTotal} bytes");
            return false;
        }
        partial.Grow(reserve);
        BufferedBytes += growth;
        return true;
    }

    private void EvictOldest(PartialDatagram? except, long frameNumber, string reason)
    {
        KeyValuePair<FragmentKey, PartialDatagram>? oldest = null;
        foreach (KeyValuePair<FragmentKey, PartialDatagram> entry in _inFlight)
        {
            if (ReferenceEquals(entry.Value, except)) continue;
            if (oldest is null || entry.Value.FirstArrivalNs < oldest.Value.Value.FirstArrivalNs) oldest = entry;
        }
        if (oldest is { } victim) Abandon(victim.Key, victim.Value, AnomalyKinds.FragmentLimit, frameNumber, reason + "; oldest datagram evicted");
    }

    private FragmentOutcome Inconsistent(in FragmentKey key, long timeNs, long frameNumber, string reason)
    {
        _anomalies.Report(AnomalyKinds.FragmentInconsistent, "ip", timeNs, frameNumber, $"{key}: {reason}; fragment dropped");
        return FragmentOutcome.Dropped;
    }

    private void Abandon(in FragmentKey key, PartialDatagram partial, string kind, long frameNumber, string reason)
    {
        _inFlight.Remove(key);
        BufferedBytes -= partial.ReservedBytes;
        _counters.DatagramsAbandoned++;
        _anomalies.Report(kind, "ip", partial.FirstArrivalNs, frameNumber,
            $"{key}: {reason}; {partial.ReceivedBytes} bytes from fragments since frame {partial.FirstFrameNumber} discarded");
        byte[] buffer = partial.DetachBuffer();
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
        Recycle(partial);
    }

    private void Recycle(PartialDatagram partial)
    {
        if (_spare.Count < _settings.MaxFragmentDatagramsInFlight) _spare.Push(partial);
    }

    /// <summary>One datagram in reassembly: a pooled buffer and the sorted, disjoint byte ranges received so far.</summary>
    private sealed class PartialDatagram
    {
        private readonly List<(int Start, int End)> _received = new(4);
        private byte[] _buffer = [];

        public long FirstArrivalNs { get; private set; }
        public long DeadlineNs { get; private set; }
        public long FirstFrameNumber { get; private set; }

        /// <summary>Payload length, known once the last fragment (More Fragments clear) arrived; -1 until then.</summary>
        public int TotalLength { get; set; }

        /// <summary>Upper-layer protocol named by the offset-zero fragment; -1 until it arrived.</summary>
        public int Protocol { get; set; }

        /// <summary>Bytes accounted against the limits; the pool may hand out a larger array.</summary>
        public int ReservedBytes { get; private set; }

        public int ReceivedEnd => _received.Count == 0 ? 0 : _received[^1].End;

        public int ReceivedBytes
        {
            get
            {
                int total = 0;
                foreach ((int start, int end) in _received) total += end - start;
                return total;
            }
        }

        public bool IsComplete => TotalLength >= 0 && Protocol >= 0 && _received.Count == 1 && _received[0] == (0, TotalLength);

        public void Start(long firstArrivalNs, long deadlineNs, long firstFrameNumber)
        {
            FirstArrivalNs = firstArrivalNs;
            DeadlineNs = deadlineNs;
            FirstFrameNumber = firstFrameNumber;
            TotalLength = -1;
            Protocol = -1;
            ReservedBytes = 0;
            _received.Clear();
            _buffer = [];
        }

        public void Grow(int reserve)
        {
            if (reserve > _buffer.Length)
            {
                byte[] larger = ArrayPool<byte>.Shared.Rent(reserve);
                _buffer.AsSpan(0, ReceivedEnd).CopyTo(larger);
                if (_buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = larger;
            }
            ReservedBytes = reserve;
        }

        public byte[] DetachBuffer()
        {
            byte[] buffer = _buffer;
            _buffer = [];
            ReservedBytes = 0;
            return buffer;
        }

        /// <summary>
        /// Copies the parts of [offset, offset + data.Length) not received yet; returns true when bytes
        /// already received there differ from <paramref name="data"/>.
        /// </summary>
        public bool CopyFirstWins(int offset, ReadOnlySpan<byte> data)
        {
            int end = offset + data.Length;
            if (end == offset) return false;
            bool conflict = false;
            int cursor = offset;
            foreach ((int rangeStart, int rangeEnd) in _received)
            {
                if (rangeEnd <= cursor) continue;
                if (rangeStart >= end) break;
                if (rangeStart > cursor) data[(cursor - offset)..(rangeStart - offset)].CopyTo(_buffer.AsSpan(cursor));
                int overlapStart = Math.Max(rangeStart, cursor);
                int overlapEnd = Math.Min(rangeEnd, end);
                conflict |= !_buffer.AsSpan(overlapStart, overlapEnd - overlapStart).SequenceEqual(data[(overlapStart - offset)..(overlapEnd - offset)]);
                cursor = overlapEnd;
            }
            if (cursor < end) data[(cursor - offset)..].CopyTo(_buffer.AsSpan(cursor));
            AddRange(offset, end);
            return conflict;
        }

        private void AddRange(int start, int end)
        {
            int first = 0;
            while (first < _received.Count && _received[first].End < start) first++;
            int last = first;
            while (last < _received.Count && _received[last].Start <= end)
            {
                start = Math.Min(start, _received[last].Start);
                end = Math.Max(end, _received[last].End);
                last++;
            }
            _received.RemoveRange(first, last - first);
            _received.Insert(first, (start, end));
        }
    }
}
