using Sniffer.Core.Flows;
using Sniffer.Core.Records;
using Sniffer.Engine;
using Sniffer.TestSupport;
using Sniffer.TestSupport.Dissection;

namespace Sniffer.Integration.Tests.Tcp;

/// <summary>
/// The flow table and reassembly against tshark on the real captures (undamaged, loopback, no retransmissions):
/// every conversation tshark lists is one flow with the same packets per direction, and the bytes delivered per
/// direction equal tshark's TCP payload sum. Plus the two peer traces made to torture sequence handling.
/// </summary>
public sealed class ReferenceReassemblyTests
{
    public static TheoryData<string> RealCaptures => new(
        RepositoryPaths.SharedCaptures is null
            ? ["(absent)"]
            : Directory.GetFiles(Path.Combine(RepositoryPaths.SharedCaptures, "real"), "*.pcap").Select(Path.GetFileNameWithoutExtension).OfType<string>().Order());

    [SharedCapturesTheory]
    [MemberData(nameof(RealCaptures))]
    public void FlowsAndPacketsPerDirectionEqualTsharksConversations(string capture)
    {
        var conversations = TsharkConversations.ReadConvTable(RepositoryPaths.Shared($"real-truth/{capture}/tcp-conv.txt"));
        List<FlowRecord> flows = Analyse(RepositoryPaths.Shared($"real/{capture}.pcap")).OfType<FlowRecord>().ToList();

        Assert.Equal(conversations.Count, flows.Count);
        foreach (TsharkConversation conversation in conversations)
        {
            FlowRecord flow = Assert.Single(flows, f => Same(f, conversation.A, conversation.B));
            bool aIsClient = Endpoint(flow.ClientAddress, flow.ClientPort) == conversation.A;
            Assert.Equal(aIsClient ? conversation.FramesToB : conversation.FramesToA, flow.ClientPackets);
            Assert.Equal(aIsClient ? conversation.FramesToA : conversation.FramesToB, flow.ServerPackets);
            Assert.Equal(0, flow.ClientGaps + flow.ServerGaps);
        }
    }

    [TsharkTheory]
    [MemberData(nameof(RealCaptures))]
    public void BytesDeliveredPerDirectionEqualTsharksPayloadSum(string capture)
    {
        string path = RepositoryPaths.Shared($"real/{capture}.pcap");
        var payload = TsharkConversations.PayloadBytesByDirection(path);
        foreach (FlowRecord flow in Analyse(path).OfType<FlowRecord>())
        {
            string client = Endpoint(flow.ClientAddress, flow.ClientPort), server = Endpoint(flow.ServerAddress, flow.ServerPort);
            Assert.Equal(payload.GetValueOrDefault($"{client} -> {server}"), flow.ClientPayloadBytes);
            Assert.Equal(payload.GetValueOrDefault($"{server} -> {client}"), flow.ServerPayloadBytes);
        }
    }

    [SharedCapturesFact]
    public void SequenceTortureTraceReassemblesItsRealFlowsCleanly()
    {
        // Arkime's synthetic trace: plain data, a hole filled out of order, a retransmission, and two flows
        // wrapping past 2^32. Its first flow (port 0, a SYN carrying data and a garbage segment far ahead) is
        // deliberately nonsense; the five real ones (server ports 8000-8004) must come out whole.
        var recording = new RecordingDissectorFactory();
        var sink = new ListSink();
        using (var pipeline = new AnalysisPipeline(new PipelineOptions { RunAnalyses = false }, sink))
        {
            pipeline.Registry.Add(recording);
            for (ushort port = 8000; port <= 8004; port++) pipeline.Registry.Map(port, RecordingDissectorFactory.ProtocolName);
            Assert.False(CaptureFileAnalysis.Read([RepositoryPaths.Shared("peers/arkime/tests/pcap/tcpseq_synthetic.pcap")], pipeline).Failed);
        }
        var real = recording.Flows.OrderBy(f => f.Flow.Key.Server.Port).ToList();
        Assert.Equal(5, real.Count);
        Assert.All(real, f => Assert.Empty(f.Gaps));
        // Arkime's oracle (client.bytes per session): every distinct client byte once, retransmissions not again.
        Assert.Equal([8L, 8, 4, 40, 24], real.Select(f => (long)f.Bytes(Direction.ClientToServer).Length));
    }

    [SharedCapturesFact]
    public void RetransmissionTraceLosesNothing()
    {
        var records = Analyse(RepositoryPaths.Shared("peers/arkime/tests/pcap/wireshark-retrans.pcap"));
        FlowRecord flow = Assert.Single(records.OfType<FlowRecord>());
        Assert.Equal(0, flow.ClientGaps + flow.ServerGaps);
        Assert.True(flow.ClientRetransmissions + flow.ServerRetransmissions > 0);
        Assert.DoesNotContain(records.OfType<Anomaly>(), a => a.Kind == AnomalyKinds.TcpOverlapMismatch);
    }

    private static List<SnifferRecord> Analyse(string path)
    {
        var sink = new ListSink();
        using (var pipeline = new AnalysisPipeline(new PipelineOptions { RunAnalyses = false }, sink))
        {
            Assert.False(CaptureFileAnalysis.Read([path], pipeline).Failed);
        }
        return sink.Records;
    }

    private static bool Same(FlowRecord flow, string a, string b)
    {
        string client = Endpoint(flow.ClientAddress, flow.ClientPort), server = Endpoint(flow.ServerAddress, flow.ServerPort);
        return (client == a && server == b) || (client == b && server == a);
    }

    /// <summary>tshark's spelling of an endpoint: address, colon, port, with no brackets even for IPv6.</summary>
    private static string Endpoint(string address, ushort port) => $"{address}:{port}";
}
