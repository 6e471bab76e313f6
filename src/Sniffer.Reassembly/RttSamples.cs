using System.Buffers;

namespace Sniffer.Reassembly;

/// <summary>
/// Round-trip samples of one flow: exact count, minimum and maximum; the median comes from at most
/// <see cref="Capacity"/> samples kept by reservoir sampling, so a long flow does not grow the table.
/// The reservoir is rented and grows with the samples: most flows take a few dozen, and a flow lingering
/// after its close must not pin the full reservoir.
/// </summary>
internal sealed class RttSamples
{
    private const int Capacity = 1024;
    private const int InitialCapacity = 16;

    private long[] _kept = [];
    private int _keptCount;
    private ulong _randomState;

    public int Count { get; private set; }
    public long Min { get; private set; }
    public long Max { get; private set; }

    public void Reset(long seed)
    {
        Release();
        Count = 0;
        _keptCount = 0;
        Min = 0;
        Max = 0;
        // Seeded per flow so the same capture always reports the same median.
        _randomState = (ulong)seed * 0x9E3779B97F4A7C15UL | 1;
    }

    public void Add(long rttNs)
    {
        Min = Count == 0 ? rttNs : Math.Min(Min, rttNs);
        Max = Count == 0 ? rttNs : Math.Max(Max, rttNs);
        Count++;
        if (_keptCount < Capacity)
        {
            if (_keptCount == _kept.Length) Grow();
            _kept[_keptCount++] = rttNs;
            return;
        }
        // Algorithm R: keep the new sample with probability Capacity / Count.
        ulong slot = NextRandom() % (ulong)Count;
        if (slot < Capacity) _kept[slot] = rttNs;
    }

    /// <summary>Sorts the kept samples in place; call once, when the flow ends.</summary>
    public long? Median()
    {
        if (_keptCount == 0) return null;
        Span<long> kept = _kept.AsSpan(0, _keptCount);
        kept.Sort();
        return _keptCount % 2 == 1 ? kept[_keptCount / 2] : (kept[_keptCount / 2 - 1] + kept[_keptCount / 2]) / 2;
    }

    /// <summary>Gives the reservoir back to the pool; the samples are forgotten.</summary>
    public void Release()
    {
        if (_kept.Length > 0) ArrayPool<long>.Shared.Return(_kept);
        _kept = [];
        _keptCount = 0;
    }

    private void Grow()
    {
        long[] larger = ArrayPool<long>.Shared.Rent(Math.Min(Capacity, Math.Max(InitialCapacity, 2 * _kept.Length)));
        _kept.AsSpan(0, _keptCount).CopyTo(larger);
        if (_kept.Length > 0) ArrayPool<long>.Shared.Return(_kept);
        _kept = larger;
    }

    private ulong NextRandom()
    {
        // xorshift64: deterministic and allocation-free.
        _randomState ^= _randomState << 13;
        _randomState ^= _randomState >> 7;
        _randomState ^= _randomState << 17;
        return _randomState;
    }
}
