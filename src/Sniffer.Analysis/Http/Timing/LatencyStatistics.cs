namespace Sniffer.Analysis.Http.Timing;

/// <summary>Builds <see cref="LatencyDistribution"/>s from samples in nanoseconds.</summary>
public static class LatencyStatistics
{
    /// <summary>1-2-5 bounds from 1 µs to 10 s: three buckets per decade covers loopback to intercontinental paths.</summary>
    public static IReadOnlyList<long> BucketBoundsNs { get; } = BuildBounds();

    public static LatencyDistribution Of(IEnumerable<long> samples)
    {
        long[] sorted = samples.Order().ToArray();
        var counts = new int[BucketBoundsNs.Count + 1];
        foreach (long sample in sorted)
        {
            int bucket = 0;
            while (bucket < BucketBoundsNs.Count && sample > BucketBoundsNs[bucket]) bucket++;
            counts[bucket]++;
        }
        return new LatencyDistribution
        {
            Count = sorted.Length,
            MinNs = sorted.Length == 0 ? null : sorted[0],
            MedianNs = NearestRank(sorted, 50),
            P90Ns = NearestRank(sorted, 90),
            P95Ns = NearestRank(sorted, 95),
            MaxNs = sorted.Length == 0 ? null : sorted[^1],
            Buckets = counts.Select((count, i) => new LatencyBucket(i < BucketBoundsNs.Count ? BucketBoundsNs[i] : long.MaxValue, count)).ToList(),
        };
    }

    /// <summary>The nearest-rank percentile: the sample at rank ⌈p/100 × n⌉ (no interpolation, so it is always a value seen).</summary>
    private static long? NearestRank(long[] sorted, int percent) =>
        sorted.Length == 0 ? null : sorted[(int)Math.Ceiling(percent / 100.0 * sorted.Length) - 1];

    private static List<long> BuildBounds()
    {
        var bounds = new List<long>();
        for (long decade = 1_000; decade <= 1_000_000_000; decade *= 10)
        {
            bounds.AddRange([decade, 2 * decade, 5 * decade]);
        }
        bounds.Add(10_000_000_000);
        return bounds;
    }
}
