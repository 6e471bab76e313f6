using Sniffer.Core.Flows;
using Sniffer.Core.Records;
using Sniffer.Reassembly.Tests.Infrastructure;

namespace Sniffer.Reassembly.Tests;

/// <summary>
/// One-byte segments with a hole between each, the flow a hostile peer builds to make reassembly hold and report as
/// much as it can. A direction holds at most 8,192 out-of-order pieces, whatever their size: such segments stayed far
/// under the byte cap while every insert and every hole given up shifted the whole list. Past the bound the oldest
/// holes are given up as at the byte cap, and every byte of the stream is still accounted for, delivered or reported
/// as a gap; a flow lists at most 100 anomalies of each kind and counts the rest in one at its end.
/// (HostileInputBenchmarks in tests/Sniffer.Benchmarks measures the cost.)
/// </summary>
public sealed class PendingPieceLimitTests
{
    private const int Pieces = 20_000;

    [Fact]
    public void One_byte_segments_sent_backwards_with_holes_between_them_are_given_up_in_bulk()
    {
        // Offsets 2N, 2N-2, ..., 2 after the first byte: each lands in front of every piece already buffered.
        var (sink, reassembler, seen) = Play(tcp =>
        {
            tcp.Data(Direction.ClientToServer, 0, "x"u8);
            for (int i = Pieces; i >= 1; i--) tcp.Data(Direction.ClientToServer, 2L * i, "y"u8);
        });

        Assert.True(reassembler.Counters.BufferLimitReleases > 0);
        Assert.NotEmpty(sink.AnomaliesOf(AnomalyKinds.TcpBufferLimit));
        Assert.Equal(2L * Pieces + 1, seen.Bytes.Count + seen.Gaps.Sum(g => g.Length));
        // What came after the holes were given up lay in bytes already reported missing: only the earlier pieces arrive.
        Assert.InRange(seen.Bytes.Count, 2, Pieces / 2);
    }

    [Fact]
    public void One_byte_segments_sent_forwards_behind_a_hole_are_all_delivered()
    {
        var (_, reassembler, seen) = Play(Forwards);

        Assert.True(reassembler.Counters.BufferLimitReleases > 0);
        Assert.Equal(Pieces, seen.Bytes.Count);
        Assert.Equal(Pieces, seen.Gaps.Count);
        Assert.Equal(2L * Pieces, seen.Bytes.Count + seen.Gaps.Sum(g => g.Length));
    }

    [Fact]
    public void Twenty_thousand_holes_make_a_hundred_anomalies_of_a_kind_and_one_that_counts_the_rest()
    {
        var (sink, _, seen) = Play(Forwards);

        // Every hole still reached the dissector as a gap: only the records are limited.
        Assert.Equal(Pieces, seen.Gaps.Count);
        Dictionary<string, int> listed = sink.Anomalies.Where(a => a.Kind != AnomalyKinds.AnomalyLimit)
            .GroupBy(a => a.Kind).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(listed.Values, count => Assert.InRange(count, 1, 100));
        Assert.Contains(100, listed.Values);
        List<Anomaly> held = sink.AnomaliesOf(AnomalyKinds.AnomalyLimit).ToList();
        Assert.All(held, a => Assert.Matches(@"^\d+ more tcp_[a-z_]+ anomalies on this flow were counted, not listed$", a.Detail));
        // One anomaly per hole, listed or counted.
        Assert.Equal(Pieces, listed.Values.Sum() + held.Sum(a => int.Parse(a.Detail.Split(' ')[0])));
        // Said before the flow's own record, which stays the flow's last.
        Assert.IsType<FlowRecord>(sink.Records[^1]);
        Assert.Single(sink.Flows);
    }

    /// <summary>Offset 0 never comes, nor any even offset: 1, 3, 5, ... wait behind it.</summary>
    private static void Forwards(TcpConversation tcp)
    {
        for (int i = 0; i < Pieces; i++) tcp.Data(Direction.ClientToServer, 2L * i + 1, "y"u8);
    }

    /// <summary>A handshake, the client's segments, the end of the capture; what the client's direction delivered.</summary>
    private static (RecordingSink Sink, TcpReassembler Reassembler, DirectionTranscript Seen) Play(Action<TcpConversation> send)
    {
        var sink = new RecordingSink();
        var (reassembler, factory) = ReassemblyPropertyTests.NewReassembler(sink);
        var tcp = new TcpConversation(reassembler, "10.0.0.1:40000", "10.0.0.2:8000");
        tcp.Handshake();
        send(tcp);
        reassembler.Complete(tcp.NowNs);
        return (sink, reassembler, factory.Single.ClientToServer);
    }
}
