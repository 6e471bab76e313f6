using Sniffer.Analysis.Http;
using Sniffer.Analysis.Http.Timing;
using Sniffer.Core.Records;
using static Sniffer.Analysis.Tests.Support.Exchanges;

namespace Sniffer.Analysis.Tests.Http;

/// <summary>Per object, per connection and per host timings from hand-built record sequences.</summary>
public sealed class TimingAnalysisTests
{
    private const string Alice = "192.0.2.10";
    private const long Millisecond = 1_000_000;

    private static HttpAnalysisReport Run(HttpAnalysisOptions? options, params SnifferRecord[] records)
    {
        var analysis = new HttpAnalysis(options);
        foreach (SnifferRecord record in records) analysis.Emit(record);
        return analysis.Complete();
    }

    [Fact]
    public void AKeepAliveConnectionSavesOneHandshakePerReusedRequest()
    {
        var report = Run(null,
            Get(1, 1, "a.example", "/", Start, waitNs: 5 * Millisecond),
            Get(1, 2, "a.example", "/1.png", Start + Second, waitNs: 3 * Millisecond),
            Get(1, 3, "a.example", "/2.png", Start + 2 * Second, waitNs: 4 * Millisecond),
            Flow(1, Alice, "198.51.100.1:80", Start, handshakeRttNs: 20 * Millisecond),
            Get(2, 1, "b.example", "/", Start, waitNs: 9 * Millisecond),
            Flow(2, Alice, "198.51.100.2:80", Start + 1, handshakeRttNs: 40 * Millisecond));

        ConnectionReuseSummary keepAlive = report.Connections[0];
        Assert.Equal((3, 2, 40 * Millisecond, true), (keepAlive.Requests, keepAlive.HandshakesSaved, keepAlive.RttSavedNs, keepAlive.Persistent));
        ConnectionReuseSummary single = report.Connections[1];
        Assert.Equal((1, 0, 0L, false), (single.Requests, single.HandshakesSaved, single.RttSavedNs, single.Persistent));

        // Connect is charged to a connection's first object only.
        Assert.Equal([20 * Millisecond, null, null, 40 * Millisecond], report.ObjectTimings.Select(o => o.ConnectNs));
        Assert.Equal([5 * Millisecond, 3 * Millisecond, 4 * Millisecond, 9 * Millisecond], report.ObjectTimings.Select(o => o.WaitNs));

        TimingSummary all = report.Timing;
        Assert.Equal((2, 4, 2, 40 * Millisecond), (all.Connections, all.Requests, all.HandshakesSaved, all.RttSavedNs));
        Assert.Equal((20 * Millisecond, 40 * Millisecond), (all.HandshakeRtt.MinNs, all.HandshakeRtt.MaxNs));
        Assert.Equal((4, 4 * Millisecond, 9 * Millisecond), (all.TimeToFirstByte.Count, all.TimeToFirstByte.MedianNs, all.TimeToFirstByte.P90Ns));

        Assert.Equal(["a.example", "b.example"], report.HostTimings.Select(h => h.Host));
        TimingSummary a = report.HostTimings[0];
        Assert.Equal((1, 3, 2), (a.Connections, a.Requests, a.HandshakesSaved));
        Assert.Equal((3, 3 * Millisecond, 5 * Millisecond), (a.TimeToFirstByte.Count, a.TimeToFirstByte.MinNs, a.TimeToFirstByte.MaxNs));
    }

    [Fact]
    public void AnUnmeasuredHandshakeLeavesTheTimeSavedUnknown()
    {
        var report = Run(null,
            Get(1, 1, "a.example", "/", Start),
            Get(1, 2, "a.example", "/", Start + Second),
            Flow(1, Alice, "198.51.100.1:80", Start, handshakeRttNs: null));

        ConnectionReuseSummary connection = Assert.Single(report.Connections);
        Assert.Equal((1, (long?)null), (connection.HandshakesSaved, connection.RttSavedNs));
        Assert.Equal(0, report.Timing.HandshakeRtt.Count);
        Assert.Null(report.ObjectTimings[0].ConnectNs);
    }

    [Fact]
    public void WithoutAHostHeaderTheServerNamesTheHost()
    {
        var report = Run(null, Get(1, 1, "", "/", Start), Flow(1, Alice, "198.51.100.1:8080", Start));

        Assert.Equal("198.51.100.1:8080", Assert.Single(report.Connections).Host);
        Assert.Equal("198.51.100.1:8080/", Assert.Single(report.ObjectTimings).Url);
    }

    [Fact]
    public void HostsPastTheLimitShareOneSummary()
    {
        var report = Run(HttpAnalysisOptions.Default with { MaxHosts = 1 },
            Get(1, 1, "a.example", "/", Start), Flow(1, Alice, "198.51.100.1:80", Start),
            Get(2, 1, "b.example", "/", Start + 1), Flow(2, Alice, "198.51.100.2:80", Start + 1),
            Get(3, 1, "c.example", "/", Start + 2), Flow(3, Alice, "198.51.100.3:80", Start + 2));

        Assert.Equal(["(other hosts)", "a.example"], report.HostTimings.Select(h => h.Host));
        Assert.Equal(2, report.HostTimings[0].Connections);
    }

    [Fact]
    public void DistributionsUseNearestRankAndFixedBuckets()
    {
        LatencyDistribution distribution = LatencyStatistics.Of([30_000, 10_000, 20_000, 1_000, 40_000_000_000]);
        LatencyDistribution twenty = LatencyStatistics.Of([.. Enumerable.Range(1, 20).Select(i => (long)i * 1_000)]);
        // Rank ⌈0.95 × 20⌉ = 19 and ⌈0.9 × 20⌉ = 18.
        Assert.Equal((18_000L, 19_000L), (twenty.P90Ns!.Value, twenty.P95Ns!.Value));

        Assert.Equal((5, 1_000L, 20_000L, 40_000_000_000L, 40_000_000_000L), (distribution.Count, distribution.MinNs, distribution.MedianNs, distribution.P90Ns, distribution.MaxNs));
        Assert.Equal(LatencyStatistics.BucketBoundsNs.Count + 1, distribution.Buckets.Count);
        Assert.Equal(1, distribution.Buckets.Single(b => b.UpperBoundNs == 1_000).Count);
        // Bounds are inclusive: 10 µs is counted under 10 µs, 30 µs under 50 µs.
        Assert.Equal([1, 1, 1], distribution.Buckets.Where(b => b.UpperBoundNs is 10_000 or 20_000 or 50_000).Select(b => b.Count));
        Assert.Equal(1, distribution.Buckets[^1].Count);
        Assert.Null(LatencyStatistics.Of([]).MedianNs);
    }
}
