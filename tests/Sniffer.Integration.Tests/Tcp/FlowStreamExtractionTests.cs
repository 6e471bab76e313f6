using System.Text;
using Sniffer.Core.Flows;
using Sniffer.Core.Records;
using Sniffer.Engine;
using Sniffer.TestSupport;

namespace Sniffer.Integration.Tests.Tcp;

/// <summary>
/// Re-reading a capture for one flow's two byte streams (Follow TCP Stream), on the project's synthesised
/// captures whose conversation captures/README.md describes byte for byte.
/// </summary>
public sealed class FlowStreamExtractionTests
{
    // The conversation of captures/tcp (tests/Sniffer.Cli.Tests/Captures/CaptureRecipes.cs writes it).
    private const string Request1 = "GET /index.html HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: sniffer-synth\r\n\r\n";
    private const string Request2 = "GET /logo.png HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: sniffer-synth\r\n\r\n";
    private const string Request3 = "GET /index.html HTTP/1.1\r\nHost: www.example.com\r\nIf-None-Match: \"v1\"\r\nUser-Agent: sniffer-synth\r\n\r\n";
    private const string NotModified = "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n";

    [Fact]
    public void BothDirectionsComeOutWholeAndInterleavedInTheOrderTheyWereSent()
    {
        string path = Capture("http-keepalive");
        FlowRecord flow = Assert.Single(FlowsOf(path));

        FlowStreams streams = FlowStreamExtraction.Extract(path, Selector(flow));

        Assert.True(streams.Found);
        Assert.Equal(flow.ClientPackets + flow.ServerPackets, streams.FramesOfFlow);
        Assert.Equal(Request1 + Request2 + Request3, Text(streams, Direction.ClientToServer));
        string server = Text(streams, Direction.ServerToClient);
        Assert.StartsWith("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nETag: ", server);
        Assert.EndsWith(NotModified, server);
        Assert.Equal(flow.ServerPayloadBytes, streams.ServerBytes);
        Assert.Equal(Encoding.ASCII.GetByteCount(Request1 + Request2 + Request3), streams.ClientBytes);
        // Request, response, request, response, request, response: each request is answered before the next is sent.
        Direction[] turns = streams.Pieces.Select(p => p.Direction).Where((d, i) => i == 0 || streams.Pieces[i - 1].Direction != d).ToArray();
        Assert.Equal(6, turns.Length);
        Assert.Equal(Direction.ClientToServer, turns[0]);
        Assert.All(streams.Pieces, p => Assert.False(p.IsGap));
    }

    [Fact]
    public void BytesCutOffBySnaplenAreGapsOfTheMissingLengthWithTheRestInPlace()
    {
        FlowStreams whole = FlowStreamExtraction.Extract(Capture("http-keepalive"), Selector(Assert.Single(FlowsOf(Capture("http-keepalive")))));
        string path = Capture("snaplen-truncated");
        FlowStreams truncated = FlowStreamExtraction.Extract(path, Selector(Assert.Single(FlowsOf(path))));

        Assert.Contains(truncated.Pieces, p => p.IsGap);
        foreach (Direction direction in new[] { Direction.ClientToServer, Direction.ServerToClient })
        {
            byte[] expected = Bytes(whole, direction);
            List<StreamPiece> pieces = truncated.Pieces.Where(p => p.Direction == direction).ToList();
            Assert.Equal(expected.Length, pieces.Sum(p => p.IsGap ? p.MissingBytes : p.Bytes.Length));
            foreach (StreamPiece piece in pieces.Where(p => !p.IsGap))
                Assert.Equal(expected.AsSpan((int)piece.StreamOffset, piece.Bytes.Length).ToArray(), piece.Bytes.ToArray());
        }
    }

    [Fact]
    public void ASecondConnectionOnTheSamePortsIsToldApartByItsTimeSpan()
    {
        string path = Capture("port-reuse");
        List<FlowRecord> flows = FlowsOf(path).OrderBy(f => f.FirstPacketNs).ToList();
        Assert.Equal(2, flows.Count);
        // The second connection (README: 2 s later, new ISNs) only asks for the logo.
        string[] expected = [Request1 + Request2 + Request3, Request2];

        for (int i = 0; i < flows.Count; i++)
        {
            FlowStreams streams = FlowStreamExtraction.Extract(path, Selector(flows[i]));
            Assert.Equal(flows[i].ClientPackets + flows[i].ServerPackets, streams.FramesOfFlow);
            Assert.Equal(flows[i].ServerPayloadBytes, streams.ServerBytes);
            Assert.Equal(expected[i], Text(streams, Direction.ClientToServer));
        }
    }

    [Fact]
    public void AFlowThatIsNotInTheFileIsNotFound()
    {
        string path = Capture("http-keepalive");
        FlowRecord flow = Assert.Single(FlowsOf(path));

        FlowStreams otherPort = FlowStreamExtraction.Extract(path, Selector(flow) with { Client = "192.0.2.10:51001" });
        FlowStreams otherVlan = FlowStreamExtraction.Extract(path, Selector(flow) with { VlanId = 42 });
        FlowStreams later = FlowStreamExtraction.Extract(path, Selector(flow) with { FirstPacketNs = flow.LastPacketNs + 1, LastPacketNs = flow.LastPacketNs + 10 });

        Assert.All(new[] { otherPort, otherVlan, later }, streams =>
        {
            Assert.False(streams.Found);
            Assert.Empty(streams.Pieces);
        });
        Assert.True(otherPort.FramesRead > 0);
    }

    [Fact]
    public void KeptBytesStopAtTheLimitAndTheRestIsCounted()
    {
        string path = Capture("http-keepalive");
        FlowRecord flow = Assert.Single(FlowsOf(path));

        FlowStreams streams = FlowStreamExtraction.Extract(path, Selector(flow), new FlowStreamLimits { MaxBytesPerDirection = 100 });

        Assert.Equal(100, Bytes(streams, Direction.ClientToServer).Length);
        Assert.Equal(100, Bytes(streams, Direction.ServerToClient).Length);
        Assert.Equal(streams.ClientBytes - 100, streams.ClientBytesNotKept);
        Assert.Equal(flow.ServerPayloadBytes - 100, streams.ServerBytesNotKept);
        Assert.Equal(Request1, Text(streams, Direction.ClientToServer)[..Request1.Length]);

        // Two runs kept (the first request and its response); the four turns after them are counted once each.
        FlowStreams twoRuns = FlowStreamExtraction.Extract(path, Selector(flow), new FlowStreamLimits { MaxPieces = 2 });
        Assert.Equal([Direction.ClientToServer, Direction.ServerToClient], twoRuns.Pieces.Select(p => p.Direction));
        Assert.Equal(Request1, Text(twoRuns, Direction.ClientToServer));
        Assert.Equal(4, twoRuns.PiecesNotKept);
    }

    [Fact]
    public void AMissingFileIsACaptureFileError()
    {
        FlowRecord flow = Assert.Single(FlowsOf(Capture("http-keepalive")));
        string missing = Path.Combine(Path.GetTempPath(), $"sniffer-absent-{Guid.NewGuid():N}.pcap");

        Assert.Throws<Sniffer.Capture.Files.CaptureFileException>(() => FlowStreamExtraction.Extract(missing, Selector(flow)));
    }

    private static string Capture(string name) => Path.Combine(RepositoryPaths.Captures, "tcp", name + ".pcap");

    private static FlowSelector Selector(FlowRecord flow) => new(flow.Client, flow.Server, flow.VlanId, flow.FirstPacketNs, flow.LastPacketNs);

    private static byte[] Bytes(FlowStreams streams, Direction direction) =>
        streams.Pieces.Where(p => p.Direction == direction && !p.IsGap).SelectMany(p => p.Bytes.ToArray()).ToArray();

    private static string Text(FlowStreams streams, Direction direction) => Encoding.ASCII.GetString(Bytes(streams, direction));

    private static List<FlowRecord> FlowsOf(string path)
    {
        var sink = new ListSink();
        using (var pipeline = new AnalysisPipeline(new PipelineOptions { RunAnalyses = false }, sink))
        {
            Assert.False(CaptureFileAnalysis.Read([path], pipeline).Failed);
        }
        return sink.Records.OfType<FlowRecord>().ToList();
    }
}
