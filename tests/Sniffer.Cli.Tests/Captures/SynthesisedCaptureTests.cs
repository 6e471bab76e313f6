using System.Text;
using Sniffer.Capture.Files;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Core.Packets;
using Sniffer.Core.Records;
using Sniffer.Dissectors.Http.Records;
using Sniffer.Engine;
using Sniffer.TestSupport;
using Sniffer.TestSupport.Dissection;
using Sniffer.TestSupport.Synthesis;
using Xunit;

namespace Sniffer.Cli.Tests.Captures;

/// <summary>Each capture in captures/tcp/ matches its recipe and proves what captures/README.md says it proves.</summary>
public sealed class SynthesisedCaptureTests
{
    public static TheoryData<string> RecipeNames => new(CaptureRecipes.All.Select(r => r.Name));

    [Theory]
    [MemberData(nameof(RecipeNames))]
    public void CommittedCaptureIsExactlyWhatItsRecipeBuilds(string name)
    {
        CaptureRecipe recipe = CaptureRecipes.All.Single(r => r.Name == name);
        byte[] expected = Render(recipe);
        string path = Path.Combine(RepositoryPaths.Captures, name);
        // Regenerate with SNIFFER_WRITE_CAPTURES=1 after changing a recipe, then review and commit the files.
        if (Environment.GetEnvironmentVariable("SNIFFER_WRITE_CAPTURES") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, expected);
        }
        Assert.True(File.Exists(path), $"{name} is missing; run the tests with SNIFFER_WRITE_CAPTURES=1");
        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    [Fact]
    public void KeepAliveCarriesThreeTransactionsAndExactStreams()
    {
        var run = Analyse("tcp/http-keepalive.pcap");
        RecordedFlow flow = Assert.Single(run.Recorded.Flows);
        AssertStreams(flow, CaptureRecipes.KeepAliveClientStream, CaptureRecipes.KeepAliveServerStream);
        Assert.Empty(flow.Gaps);
        Assert.Equal(2_000_000, flow.Flow.HandshakeRttNs);

        var http = AnalyseHttp("tcp/http-keepalive.pcap");
        Assert.Equal(["/index.html", "/logo.png", "/index.html"], http.Select(t => t.Request!.Target));
        Assert.Equal([200, 200, 304], http.Select(t => t.Response!.StatusCode));
    }

    [Theory]
    [InlineData("tcp/out-of-order.pcap")]
    [InlineData("tcp/retransmission.pcap")]
    [InlineData("tcp/seq-wraparound.pcap")]
    [InlineData("tcp/ipv6.pcap")]
    [InlineData("tcp/vlan.pcap")]
    public void DamagedOrUnusualCapturesReassembleToTheSameStreams(string name)
    {
        var run = Analyse(name);
        RecordedFlow flow = Assert.Single(run.Recorded.Flows);
        AssertStreams(flow, CaptureRecipes.KeepAliveClientStream, CaptureRecipes.KeepAliveServerStream);
        Assert.Empty(flow.Gaps);
        Assert.Equal(3, AnalyseHttp(name).Count);
    }

    [Fact]
    public void RetransmissionIsCountedOnTheServerSide()
    {
        FlowRecord flow = Assert.Single(Analyse("tcp/retransmission.pcap").Flows);
        Assert.Equal(1, flow.ServerRetransmissions);
        Assert.Equal(0, flow.ClientRetransmissions);
    }

    [Fact]
    public void Ipv6AndVlanAreKeptOnTheFlow()
    {
        Assert.True(Assert.Single(Analyse("tcp/ipv6.pcap").Flows).IsIPv6);
        Assert.Equal(42, Assert.Single(Analyse("tcp/vlan.pcap").Flows).VlanId);
    }

    [Fact]
    public void ConflictingOverlapKeepsTheFirstBytesAndIsAnAnomaly()
    {
        var run = Analyse("tcp/overlap-conflict.pcap");
        RecordedFlow flow = Assert.Single(run.Recorded.Flows);
        Assert.Equal(CaptureRecipes.Response(2000), Encoding.ASCII.GetString(flow.Bytes(Direction.ServerToClient)));
        Assert.Contains(run.Anomalies, a => a.Kind == AnomalyKinds.TcpOverlapMismatch);
    }

    [Fact]
    public void MidStreamPickupInfersTheClientAndSaysSo()
    {
        var run = Analyse("tcp/mid-stream.pcap");
        RecordedFlow flow = Assert.Single(run.Recorded.Flows);
        Assert.True(flow.Flow.PickedUpMidStream);
        Assert.Equal(CaptureRecipes.Client, flow.Flow.Key.Client.ToString());
        AssertStreams(flow, CaptureRecipes.KeepAliveClientStream, CaptureRecipes.KeepAliveServerStream);
        Assert.Contains(run.Anomalies, a => a.Kind == AnomalyKinds.TcpMidStream);
        Assert.Null(Assert.Single(run.Flows).HandshakeRttNs);
    }

    [Fact]
    public void ResetMidTransferDeliversWhatArrivedAndEndsByReset()
    {
        var run = Analyse("tcp/rst-mid-transfer.pcap");
        RecordedFlow flow = Assert.Single(run.Recorded.Flows);
        Assert.Equal(CaptureRecipes.Response(4000)[..2000], Encoding.ASCII.GetString(flow.Bytes(Direction.ServerToClient)));
        Assert.Equal(StreamEndReason.Reset, Assert.Single(run.Flows).CloseReason);
    }

    [Fact]
    public void ReusedFourTupleMakesTwoFlows()
    {
        var run = Analyse("tcp/port-reuse.pcap");
        Assert.Equal(2, run.Flows.Count);
        Assert.Equal(2, run.Recorded.Flows.Count);
        Assert.Equal(CaptureRecipes.Request2, Encoding.ASCII.GetString(run.Recorded.Flows[1].Bytes(Direction.ClientToServer)));
    }

    [Fact]
    public void SnaplenTruncationBecomesGapsOfTheExactMissingLength()
    {
        IReadOnlyList<SyntheticFrame> frames = CaptureRecipes.All.Single(r => r.Name == "tcp/snaplen-truncated.pcap").Build();
        // 96-byte snaplen: Ethernet 14 + IPv4 20 + TCP 20 leaves 42 payload bytes per frame.
        long expectedMissing = frames.Where(f => !f.FromClient).Sum(f => Math.Max(0, f.Payload.Length - (96 - 54)));

        var run = Analyse("tcp/snaplen-truncated.pcap");
        RecordedFlow flow = Assert.Single(run.Recorded.Flows);
        long serverGapBytes = flow.Gaps.Where(g => g.Direction == Direction.ServerToClient).Sum(g => g.Length);
        Assert.Equal(expectedMissing, serverGapBytes);
        Assert.Equal(CaptureRecipes.KeepAliveServerStream.Length, flow.Bytes(Direction.ServerToClient).Length);
    }

    private static void AssertStreams(RecordedFlow flow, string client, string server)
    {
        Assert.Equal(client, Encoding.ASCII.GetString(flow.Bytes(Direction.ClientToServer)));
        Assert.Equal(server, Encoding.ASCII.GetString(flow.Bytes(Direction.ServerToClient)));
    }

    private static byte[] Render(CaptureRecipe recipe)
    {
        using var output = new MemoryStream();
        using (var writer = new PcapFileWriter(output, LinkType.Ethernet, recipe.Snaplen, leaveOpen: true))
        {
            foreach (SyntheticFrame frame in recipe.Build())
                writer.Write(frame.Bytes.AsSpan(0, frame.CapturedLength(recipe.Snaplen)), frame.Bytes.Length, frame.TimestampNs);
        }
        return output.ToArray();
    }

    private sealed record Run(RecordingDissectorFactory Recorded, List<FlowRecord> Flows, List<Anomaly> Anomalies);

    /// <summary>Runs a capture through the real pipeline with port 80 bound to the recording dissector.</summary>
    private static Run Analyse(string name)
    {
        var sink = new ListSink();
        var recording = new RecordingDissectorFactory();
        using (var pipeline = new AnalysisPipeline(new PipelineOptions(), sink))
        {
            pipeline.Registry.Add(recording);
            pipeline.Registry.Map(80, RecordingDissectorFactory.ProtocolName);
            var result = CaptureFileAnalysis.Read([Path.Combine(RepositoryPaths.Captures, name)], pipeline);
            Assert.False(result.Failed);
        }
        return new Run(recording, sink.Records.OfType<FlowRecord>().ToList(), sink.Records.OfType<Anomaly>().ToList());
    }

    private static List<HttpTransaction> AnalyseHttp(string name)
    {
        var sink = new ListSink();
        using (var pipeline = new AnalysisPipeline(new PipelineOptions(), sink))
        {
            CaptureFileAnalysis.Read([Path.Combine(RepositoryPaths.Captures, name)], pipeline);
        }
        return sink.Records.OfType<HttpTransaction>().ToList();
    }
}
