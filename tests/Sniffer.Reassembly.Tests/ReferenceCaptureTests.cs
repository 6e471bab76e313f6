using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Core.Records;
using Sniffer.Reassembly.Tests.Infrastructure;
using Sniffer.TestSupport;

namespace Sniffer.Reassembly.Tests;

/// <summary>
/// Real loopback captures and damaged copies of them (../shared/captures/real): whatever was done to the
/// packets, every byte delivered must be the byte the undamaged capture has at that offset, and what is
/// missing must be reported as gaps covering exactly the rest.
/// </summary>
public sealed class ReferenceCaptureTests
{
    private static readonly ushort[] ServerPorts = [18080, 18081, 12525, 11143];

    [SharedCapturesFact]
    public void Reordered_packets_reassemble_to_the_same_streams_with_the_handshake_RTTs_tshark_reports()
    {
        var original = Replay("real/http-keepalive-nginx.pcap");
        var reordered = Replay("real/damaged/http-keepalive-nginx.reorder.pcap");

        AssertSameStreams(original.Streams, reordered.Streams);
        Assert.All(reordered.Streams.Values, stream => Assert.Equal(0, stream.GapBytes));
        // real-truth/http-keepalive-nginx/tcp-initial-rtt.tsv: 28 µs and 22 µs.
        Assert.Equal([28_000L, 22_000L], original.Sink.Flows.OrderBy(f => f.FirstPacketNs).Select(f => f.HandshakeRttNs ?? -1));
        Assert.All(original.Sink.Flows, flow => Assert.Equal(18080, flow.ServerPort));
        Assert.All(original.Sink.Flows, flow => Assert.Equal(StreamEndReason.Fin, flow.CloseReason));
    }

    [SharedCapturesFact]
    public void Duplicated_packets_are_dropped_once_and_counted_as_retransmissions()
    {
        var original = Replay("real/smtp-swaks-aiosmtpd.pcap");
        var duplicated = Replay("real/damaged/smtp-swaks-aiosmtpd.dup.pcap");

        AssertSameStreams(original.Streams, duplicated.Streams);
        Assert.Equal(0, original.Sink.Flows.Sum(f => f.ClientRetransmissions + f.ServerRetransmissions));
        Assert.True(duplicated.Sink.Flows.Sum(f => f.ClientRetransmissions + f.ServerRetransmissions) > 0);
    }

    [SharedCapturesFact]
    public void Dropped_packets_become_gaps_exactly_where_the_bytes_are_missing()
    {
        var original = Replay("real/http-keepalive-nginx.pcap");
        var damaged = Replay("real/damaged/http-keepalive-nginx.drop.pcap");

        AssertSubsetWithGaps(original.Streams, damaged.Streams);
        Assert.True(damaged.Streams.Values.Sum(s => s.GapBytes) > 0);
    }

    [SharedCapturesFact]
    public void A_snaplen_of_96_leaves_headers_only_and_every_missing_byte_is_a_gap()
    {
        var original = Replay("real/smtp-swaks-aiosmtpd.pcap");
        var truncated = Replay("real/damaged/smtp-swaks-aiosmtpd.snap96.pcap");

        AssertSubsetWithGaps(original.Streams, truncated.Streams);
        Assert.NotEmpty(truncated.Sink.AnomaliesOf(AnomalyKinds.TcpSnaplenTruncated));
    }

    [SharedCapturesTheory]
    [InlineData("http-keepalive-nginx")]
    [InlineData("http-methods")]
    [InlineData("smtp-swaks-aiosmtpd")]
    [InlineData("imap-curl-dovecot")]
    public void ACK_RTT_samples_agree_with_tshark(string capture)
    {
        var expected = TsharkTable.Read(RepositoryPaths.Shared($"real-truth/{capture}/tcp-ack-rtt.tsv")).Rows
            .GroupBy(row => row.Int("tcp.stream"), row => Nanoseconds(row["tcp.analysis.ack_rtt"]))
            .OrderBy(group => group.Key)
            .Select(group => (Count: group.Count(), Min: group.Min(), Median: Median(group.ToList()), Max: group.Max()))
            .ToList();

        var (sink, _) = Replay($"real/{capture}.pcap");

        // tshark numbers streams in order of first packet, as flow ids are.
        var actual = sink.Flows.OrderBy(f => f.FlowId)
            .Select(f => (Count: f.AckRttSamples, Min: f.AckRttMinNs ?? 0, Median: f.AckRttMedianNs ?? 0, Max: f.AckRttMaxNs ?? 0)).ToList();
        Assert.Equal(expected, actual);
    }

    [SharedCapturesTheory]
    [InlineData("http-cookies")]
    [InlineData("http-gzip-nginx")]
    [InlineData("http-methods")]
    [InlineData("smtp-curl-aiosmtpd")]
    [InlineData("smtp-swaks-aiosmtpd")]
    [InlineData("imap-curl-dovecot")]
    public void Handshake_RTTs_agree_with_tshark_initial_rtt(string capture)
    {
        var expected = TsharkTable.Read(RepositoryPaths.Shared($"real-truth/{capture}/tcp-initial-rtt.tsv")).Rows
            .OrderBy(row => row.Int("tcp.stream"))
            .Select(row => (long?)Nanoseconds(row["tcp.analysis.initial_rtt"]))
            .ToList();

        var (sink, _) = Replay($"real/{capture}.pcap");

        Assert.Equal(expected, sink.Flows.OrderBy(f => f.FlowId).Select(f => f.HandshakeRttNs));
        Assert.All(sink.Flows, flow => Assert.Equal(flow.HandshakeRttNs, flow.SynToSynAckNs + flow.SynAckToAckNs));
    }

    public static TheoryData<string> PeerCaptures() =>
        new(RepositoryPaths.SharedCaptureFiles().Where(path => path.StartsWith("peers", StringComparison.Ordinal)));

    /// <summary>
    /// Zeek's, Arkime's and Suricata's test traces (torture tests, retransmissions, captures starting mid-stream):
    /// whatever they hold, each direction reaches its dissector as data and gaps tiling the stream without overlap,
    /// and nothing stays in the table or its buffers after the end of the capture.
    /// </summary>
    [SharedCapturesTheory]
    [MemberData(nameof(PeerCaptures))]
    public void Peer_test_traces_keep_the_stream_invariants(string capture)
    {
        var sink = new RecordingSink();
        var factory = new RecordingDissectorFactory();
        var registry = new DissectorRegistry();
        registry.Add(factory);
        var reassembler = new TcpReassembler(ReassemblyOptions.Default, registry, sink);

        CaptureReplay.Run(RepositoryPaths.Shared(capture), reassembler, sink);

        Assert.Equal(0, reassembler.Counters.FlowsActive);
        Assert.Equal(0, reassembler.Counters.BufferedBytes);
        Assert.Equal(0, reassembler.Counters.HistoryBytes);
        Assert.Equal(reassembler.Counters.FlowsSeen, sink.Flows.Count());
        Assert.Equal(sink.Flows.Count(), sink.Flows.Select(f => f.FlowId).Distinct().Count());
        foreach (RecordingDissector dissector in factory.Created)
        {
            foreach (DirectionTranscript transcript in dissector.Directions)
            {
                // Walk data and gaps together: each must start where the previous one ended.
                var pieces = transcript.Offsets.Select(offset => (Offset: offset, Length: 1L)).Concat(transcript.Gaps).OrderBy(p => p.Offset).ToList();
                for (int i = 1; i < pieces.Count; i++)
                {
                    Assert.True(pieces[i].Offset == pieces[i - 1].Offset + pieces[i - 1].Length,
                        $"{dissector.Flow.Key}: stream jumps from {pieces[i - 1].Offset + pieces[i - 1].Length} to {pieces[i].Offset}");
                }
                Assert.NotNull(transcript.End);
            }
        }
    }

    private static long Nanoseconds(string seconds) =>
        (long)Math.Round(double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture) * 1e9);

    private static long Median(List<long> values)
    {
        values.Sort();
        int middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    private static (RecordingSink Sink, Dictionary<(FlowKey, Direction), Stream> Streams) Replay(string relativePath)
    {
        var sink = new RecordingSink();
        var factory = new RecordingDissectorFactory();
        var registry = new DissectorRegistry();
        registry.Add(factory);
        foreach (ushort port in ServerPorts) registry.Map(port, factory.Name);
        CaptureReplay.Run(RepositoryPaths.Shared(relativePath), new TcpReassembler(ReassemblyOptions.Default, registry, sink), sink);

        var streams = new Dictionary<(FlowKey, Direction), Stream>();
        foreach (RecordingDissector dissector in factory.Created)
        {
            foreach (Direction direction in new[] { Direction.ClientToServer, Direction.ServerToClient })
            {
                DirectionTranscript transcript = dissector.Directions[(int)direction];
                streams.Add((dissector.Flow.Key, direction), new Stream(transcript));
            }
        }
        Assert.NotEmpty(streams);
        return (sink, streams);
    }

    private static void AssertSameStreams(Dictionary<(FlowKey, Direction), Stream> expected, Dictionary<(FlowKey, Direction), Stream> actual)
    {
        Assert.Equal(expected.Keys.ToHashSet(), actual.Keys.ToHashSet());
        foreach (var (key, stream) in expected)
        {
            Assert.True(stream.Bytes.AsSpan().SequenceEqual(actual[key].Bytes), $"{key} differs");
            Assert.Equal(stream.Offsets, actual[key].Offsets);
        }
    }

    private static void AssertSubsetWithGaps(Dictionary<(FlowKey, Direction), Stream> original, Dictionary<(FlowKey, Direction), Stream> damaged)
    {
        Assert.Equal(original.Keys.ToHashSet(), damaged.Keys.ToHashSet());
        foreach (var (key, reference) in original)
        {
            Stream stream = damaged[key];
            Assert.Equal(0, reference.GapBytes);
            for (int i = 0; i < stream.Bytes.Length; i++)
            {
                Assert.True(reference.Bytes[stream.Offsets[i]] == stream.Bytes[i], $"{key}: byte at offset {stream.Offsets[i]} differs");
            }
            // Delivered bytes and gaps tile the whole stream: nothing lost silently, nothing reported twice.
            Assert.Equal(reference.Bytes.Length, stream.Bytes.Length + stream.GapBytes);
            long covered = 0;
            foreach (var (offset, length) in stream.Gaps)
            {
                Assert.DoesNotContain(stream.Offsets, o => o >= offset && o < offset + length);
                covered += length;
            }
            Assert.Equal(stream.GapBytes, covered);
        }
    }

    private sealed class Stream(DirectionTranscript transcript)
    {
        public byte[] Bytes { get; } = transcript.Bytes.ToArray();
        public long[] Offsets { get; } = transcript.Offsets.ToArray();
        public List<(long Offset, long Length)> Gaps { get; } = transcript.Gaps;
        public long GapBytes { get; } = transcript.Gaps.Sum(g => g.Length);
    }
}
