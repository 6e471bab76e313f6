using Sniffer.Core.Flows;
using Sniffer.Core.Records;
using Sniffer.Reassembly.Tests.Infrastructure;

namespace Sniffer.Reassembly.Tests;

/// <summary>
/// A direction holds at most 8,192 out-of-order pieces, whatever their size: one-byte segments with a hole between
/// each stayed far under the byte cap while every insert and every hole given up shifted the whole list. Past the
/// bound the oldest holes are given up as at the byte cap, and every byte of the stream is still accounted for,
/// delivered or reported as a gap. (HostileInputBenchmarks in tests/Sniffer.Benchmarks measures the cost.)
/// </summary>
public sealed class PendingPieceLimitTests
{
    private const int Pieces = 20_000;
    private static readonly byte[] One = [(byte)'y'];

    [Fact]
    public void One_byte_segments_sent_backwards_with_holes_between_them_are_given_up_in_bulk()
    {
        var sink = new RecordingSink();
        var (reassembler, factory) = ReassemblyPropertyTests.NewReassembler(sink);
        var tcp = new TcpConversation(reassembler, "10.0.0.1:40000", "10.0.0.2:8000");
        tcp.Handshake();
        tcp.Data(Direction.ClientToServer, 0, "x"u8);
        // Offsets 2N, 2N-2, ..., 2: each lands in front of every piece already buffered; odd offsets never come.
        for (int i = Pieces; i >= 1; i--) tcp.Data(Direction.ClientToServer, 2L * i, One);
        reassembler.Complete(tcp.NowNs);

        DirectionTranscript seen = factory.Single.ClientToServer;
        Assert.True(reassembler.Counters.BufferLimitReleases > 0);
        Assert.NotEmpty(sink.AnomaliesOf(AnomalyKinds.TcpBufferLimit));
        Assert.Equal(2L * Pieces + 1, seen.Bytes.Count + seen.Gaps.Sum(g => g.Length));
        // What came after the holes were given up lay in bytes already reported missing: only the earlier pieces arrive.
        Assert.InRange(seen.Bytes.Count, 2, Pieces / 2);
    }

    [Fact]
    public void One_byte_segments_sent_forwards_behind_a_hole_are_all_delivered()
    {
        var sink = new RecordingSink();
        var (reassembler, factory) = ReassemblyPropertyTests.NewReassembler(sink);
        var tcp = new TcpConversation(reassembler, "10.0.0.1:40000", "10.0.0.2:8000");
        tcp.Handshake();
        // Offset 0 never comes, nor any even offset: 1, 3, 5, ... wait behind it.
        for (int i = 0; i < Pieces; i++) tcp.Data(Direction.ClientToServer, 2L * i + 1, One);
        reassembler.Complete(tcp.NowNs);

        DirectionTranscript seen = factory.Single.ClientToServer;
        Assert.True(reassembler.Counters.BufferLimitReleases > 0);
        Assert.Equal(Pieces, seen.Bytes.Count);
        Assert.Equal(Pieces, seen.Gaps.Count);
        Assert.Equal(2L * Pieces, seen.Bytes.Count + seen.Gaps.Sum(g => g.Length));
    }
}
