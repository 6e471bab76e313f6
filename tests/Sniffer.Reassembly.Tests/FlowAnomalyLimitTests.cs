using Sniffer.Core.Flows;
using Sniffer.Core.Records;
using Sniffer.Reassembly.Tests.Infrastructure;

namespace Sniffer.Reassembly.Tests;

/// <summary>A flow lists at most 100 anomalies of each kind; the rest are counted in one anomaly at its end.</summary>
public sealed class FlowAnomalyLimitTests
{
    [Fact]
    public void Twenty_thousand_holes_make_a_hundred_gap_anomalies_and_one_that_counts_the_rest()
    {
        var sink = new RecordingSink();
        var (reassembler, factory) = ReassemblyPropertyTests.NewReassembler(sink);
        var tcp = new TcpConversation(reassembler, "10.0.0.1:40000", "10.0.0.2:8000");
        tcp.Handshake();
        // Offset 0 never comes, nor any even offset: 20,000 holes, given up as the pieces pile up and at the end.
        for (int i = 0; i < 20_000; i++) tcp.Data(Direction.ClientToServer, 2L * i + 1, "y"u8);
        reassembler.Complete(tcp.NowNs);

        // Every hole still reached the dissector as a gap: only the records are limited.
        Assert.Equal(20_000, factory.Single.ClientToServer.Gaps.Count);
        Dictionary<string, int> listed = sink.Anomalies.Where(a => a.Kind != AnomalyKinds.AnomalyLimit)
            .GroupBy(a => a.Kind).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(listed.Values, count => Assert.InRange(count, 1, 100));
        Assert.Contains(100, listed.Values);
        List<Anomaly> held = sink.AnomaliesOf(AnomalyKinds.AnomalyLimit).ToList();
        Assert.All(held, a => Assert.Matches(@"^\d+ more tcp_[a-z_]+ anomalies on this flow were counted, not listed$", a.Detail));
        // One anomaly per hole, listed or counted.
        Assert.Equal(20_000, listed.Values.Sum() + held.Sum(a => int.Parse(a.Detail.Split(' ')[0])));
        // Said before the flow's own record, which stays the flow's last.
        Assert.IsType<FlowRecord>(sink.Records[^1]);
        Assert.Single(sink.Flows);
    }
}
