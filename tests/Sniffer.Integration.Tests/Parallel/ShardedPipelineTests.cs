using System.Text.Json;
using System.Text.Json.Serialization;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Core.Records;
using Sniffer.Engine;
using Sniffer.TestSupport;
using Sniffer.TestSupport.CaptureFiles;
using Sniffer.TestSupport.Synthesis;

namespace Sniffer.Integration.Tests.Parallel;

/// <summary>
/// Several flow workers must report what one thread reports: the same records (flow ids included), every flow's records
/// in the same order, records caused by a packet in the single-threaded order, and the same sequence on every run.
/// </summary>
public sealed class ShardedPipelineTests
{
    private static readonly JsonSerializerOptions Canonical = new()
    {
        ReferenceHandler = ReferenceHandler.IgnoreCycles,
        IncludeFields = false,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static TheoryData<string> ProjectCaptures()
    {
        var data = new TheoryData<string>();
        foreach (string path in Directory.EnumerateFiles(RepositoryPaths.Captures, "*.pcap*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(RepositoryPaths.Captures, path));
        }
        return data;
    }

    public static TheoryData<string> SharedCaptures()
    {
        var data = new TheoryData<string>();
        foreach (string path in RepositoryPaths.SharedCaptureFiles()) data.Add(path);
        // xunit refuses a theory without data; the attribute skips it when the captures are absent.
        if (data.Count == 0) data.Add("absent");
        return data;
    }

    [Theory]
    [MemberData(nameof(ProjectCaptures))]
    public void Project_capture_gives_the_same_records_on_two_and_three_workers(string capture) =>
        AssertWorkersAgree(Path.Combine(RepositoryPaths.Captures, capture));

    [SharedCapturesTheory]
    [MemberData(nameof(SharedCaptures))]
    public void Shared_capture_gives_the_same_records_on_two_and_three_workers(string capture) =>
        AssertWorkersAgree(RepositoryPaths.Shared(capture));

    [Fact]
    public void Many_interleaved_flows_over_many_rounds_and_sweeps_give_the_same_records()
    {
        using TemporaryFile capture = InterleavedHttpCapture(flows: 400, openFlowsEvery: 7);
        List<SnifferRecord> single = Run(capture.Path, workers: 1);
        // The capture must exercise what the test is about: many flows, sweeps of closed flows before the end, flows left open.
        Assert.Equal(400, single.OfType<FlowRecord>().Count());
        Assert.Contains(single.OfType<FlowRecord>(), f => f.CloseReason == StreamEndReason.EndOfCapture);
        Assert.Contains(single.OfType<FlowRecord>(), f => f.CloseReason != StreamEndReason.EndOfCapture);
        AssertWorkersAgree(capture.Path);
    }

    [Fact]
    public void Flow_shard_is_the_same_for_both_directions_and_spreads_flows()
    {
        var server = new NetworkEndpoint(0x0A020001, 80, false);
        var counts = new int[3];
        for (ushort port = 20000; port < 23000; port++)
        {
            var client = new NetworkEndpoint(0x0A010001, port, false);
            int shard = FlowShard.Of(client, server, 0, 3);
            Assert.Equal(shard, FlowShard.Of(server, client, 0, 3));
            counts[shard]++;
        }
        // 3,000 flows over 3 shards: each gets its share within a few percent.
        Assert.All(counts, count => Assert.InRange(count, 900, 1100));
    }

    private static void AssertWorkersAgree(string path)
    {
        List<SnifferRecord> single = Run(path, workers: 1);
        List<string> singleText = single.Select(Describe).ToList();
        foreach (int workers in new[] { 2, 3 })
        {
            List<SnifferRecord> sharded = Run(path, workers);
            List<string> shardedText = sharded.Select(Describe).ToList();
            Assert.Equal(singleText.Order(StringComparer.Ordinal), shardedText.Order(StringComparer.Ordinal));
            foreach (long flow in single.Select(r => r.FlowId).Distinct())
            {
                Assert.Equal(
                    single.Where(r => r.FlowId == flow).Select(Describe),
                    sharded.Where(r => r.FlowId == flow).Select(Describe));
            }
            // Deterministic: the same worker count gives the same sequence again.
            Assert.Equal(shardedText, Run(path, workers).Select(Describe));
        }
    }

    private static List<SnifferRecord> Run(string path, int workers)
    {
        var sink = new ListSink();
        using (var pipeline = new AnalysisPipeline(new PipelineOptions { Workers = workers, PluginDirectory = null }, sink))
        {
            CaptureFilesResult result = CaptureFileAnalysis.Read([path], pipeline);
            Assert.False(result.Failed, string.Join("; ", result.Files.Select(f => f.Error)));
        }
        return sink.Records;
    }

    private static string Describe(SnifferRecord record) =>
        record.GetType().Name + " " + JsonSerializer.Serialize(record, record.GetType(), Canonical);

    /// <summary>
    /// HTTP connections starting 20 ms apart (8 s of capture time, so sweeps end closed flows on the way), each sending a
    /// 20 KB response; every seventh is never closed and ends with the capture.
    /// </summary>
    private static TemporaryFile InterleavedHttpCapture(int flows, int openFlowsEvery)
    {
        var frames = new List<SyntheticFrame>();
        byte[] body = new byte[20_000];
        for (int i = 0; i < body.Length; i++) body[i] = (byte)('a' + i % 26);
        for (int n = 0; n < flows; n++)
        {
            var conversation = new TcpConversation(
                $"10.1.{n / 200}.{n % 200 + 1}:{30000 + n}", $"10.2.0.{n % 5 + 1}:80",
                startNs: 1_700_000_000_000_000_000 + n * 20_000_000L) { StepNs = 300_000 };
            conversation.Handshake()
                .ClientSends($"GET /object/{n} HTTP/1.1\r\nHost: parallel.test\r\n\r\n")
                .ServerSends($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nContent-Type: text/plain\r\n\r\n")
                .ServerSends(body);
            if (n % openFlowsEvery != 0) conversation.Close();
            frames.AddRange(conversation.Frames);
        }
        var pcap = new PcapFileBuilder { Nanoseconds = true };
        foreach (SyntheticFrame frame in frames.OrderBy(f => f.TimestampNs))
        {
            pcap.AddPacket(frame.Bytes, (uint)(frame.TimestampNs / 1_000_000_000), (uint)(frame.TimestampNs % 1_000_000_000));
        }
        return TemporaryFile.WithContent(pcap.ToArray(), ".pcap");
    }
}
