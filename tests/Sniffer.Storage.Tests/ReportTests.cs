using System.Text;
using System.Text.Json;
using Sniffer.Core.Records;
using Sniffer.Dissectors.Http.Records;
using Sniffer.Dissectors.Imap.Records;
using Sniffer.Dissectors.Mail;
using Sniffer.Dissectors.Smtp.Records;
using Sniffer.Engine;
using Sniffer.Storage.Reports;
using Sniffer.TestSupport;
using Xunit;

namespace Sniffer.Storage.Tests;

public sealed class ReportTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly List<IDisposable> _readers = [];

    public void Dispose()
    {
        foreach (IDisposable reader in _readers) reader.Dispose();
        _folder.Dispose();
    }

    public static TheoryData<string> SharedCaptures() => new(
        RepositoryPaths.SharedCaptures is { } root
            ? Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                .Where(p => p.EndsWith(".pcap", StringComparison.Ordinal) || p.EndsWith(".pcapng", StringComparison.Ordinal))
                .Select(p => Path.GetRelativePath(root, p)).Order()
            : ["(absent)"]);

    [SharedCapturesTheory]
    [MemberData(nameof(SharedCaptures))]
    public void Ndjson_of_a_reference_capture_parses_line_by_line_and_counts_what_the_pipeline_emitted(string capture)
    {
        List<SnifferRecord> emitted = Analyse(RepositoryPaths.Shared(capture));
        JsonElement[] stored = Lines(Report(Store(emitted, capture), ReportFormat.Ndjson));

        // Flows, exchanges and anomalies first, in capture-time order; then the mail lines and the summary.
        JsonElement[] timed = stored.Take(emitted.Count(IsFlowHttpOrAnomaly)).ToArray();
        Assert.Equal(emitted.OfType<FlowRecord>().Count(), timed.Count(l => l.GetProperty("type").GetString() == "flow"));
        Assert.Equal(emitted.OfType<HttpTransaction>().Count(), timed.Count(l => l.GetProperty("type").GetString() == "http"));
        Assert.Equal(emitted.OfType<Anomaly>().Count(), timed.Count(l => l.GetProperty("type").GetString() == "anomaly"));
        decimal[] times = timed.Select(l => l.GetProperty("ts").GetDecimal()).ToArray();
        Assert.Equal(times.Order(), times);
        JsonElement[] rest = stored.Skip(timed.Length).ToArray();
        Assert.Equal(emitted.OfType<SmtpTransaction>().Count(), rest.Count(l => l.GetProperty("type").GetString() == "smtp"));
        Assert.Equal(emitted.OfType<ImapSession>().Count(), rest.Count(l => l.GetProperty("type").GetString() == "imap"));
        Assert.Equal(emitted.OfType<MailMessage>().Count(), rest.Count(l => l.GetProperty("type").GetString() == "mail"));
        Assert.Equal("summary", rest[^1].GetProperty("type").GetString());
        Assert.Equal(emitted.OfType<FlowRecord>().Count(), rest[^1].GetProperty("flows").GetInt32());
        Assert.Equal(emitted.OfType<Anomaly>().Count(), rest[^1].GetProperty("anomalies").EnumerateObject().Sum(k => k.Value.GetInt32()));
    }

    [Fact]
    public void Flow_bound_lines_carry_the_flows_endpoints_client_to_server()
    {
        List<SnifferRecord> emitted = Analyse(Path.Combine(RepositoryPaths.Captures, "tcp", "http-keepalive.pcap"));
        FlowRecord flow = emitted.OfType<FlowRecord>().First(f => f.Protocol == "http");
        HttpTransaction exchange = emitted.OfType<HttpTransaction>().First(h => h.FlowId == flow.FlowId);

        JsonElement[] lines = Lines(Report(Store(emitted, "http-keepalive.pcap"), ReportFormat.Ndjson));
        JsonElement http = lines.First(l => l.GetProperty("type").GetString() == "http" && l.GetProperty("flow").GetInt64() == flow.FlowId);
        Assert.Equal(flow.ClientAddress, http.GetProperty("src_ip").GetString());
        Assert.Equal(flow.ClientPort, http.GetProperty("src_port").GetInt32());
        Assert.Equal(flow.ServerAddress, http.GetProperty("dest_ip").GetString());
        Assert.Equal(flow.ServerPort, http.GetProperty("dest_port").GetInt32());
        Assert.Equal(exchange.Request!.Method, http.GetProperty("method").GetString());
        Assert.Equal(exchange.Request.Target, http.GetProperty("uri").GetString());
        Assert.Equal(exchange.Response!.StatusCode, http.GetProperty("status").GetInt32());
        Assert.Equal(exchange.Response.Body?.DecodedLength ?? 0, http.GetProperty("response_body_len").GetInt64());
        Assert.Equal(JsonValueKind.Null, http.GetProperty("saved_bytes").ValueKind);
        Assert.Equal(exchange.TimeNs / 1_000, (long)(http.GetProperty("ts").GetDecimal() * 1_000_000));

        JsonElement flowLine = lines.Single(l => l.GetProperty("type").GetString() == "flow" && l.GetProperty("flow").GetInt64() == flow.FlowId);
        Assert.Equal(flow.ClientPayloadBytes, flowLine.GetProperty("bytes_to_server").GetInt64());
        Assert.Equal(flow.ServerPayloadBytes, flowLine.GetProperty("bytes_to_client").GetInt64());
        Assert.Equal(flow.ClientPackets + flow.ServerPackets, flowLine.GetProperty("packets").GetInt64());
        Assert.Equal(flow.HandshakeRttNs / 1_000 / 1_000m, flowLine.GetProperty("handshake_rtt_ms").GetDecimal());
    }

    [Fact]
    public void Synthetic_records_give_exactly_the_documented_fields()
    {
        byte[] content = "x"u8.ToArray();
        SnifferRecord[] records = [SyntheticRecords.Flow(7), SyntheticRecords.FullHttp(7, content, new string('b', 64)), SyntheticRecords.Anomaly(7)];
        JsonElement[] lines = Lines(Report(Store(records, "synthetic"), ReportFormat.Ndjson));

        // The exchange started before its flow's first packet in this synthetic set, so it comes first.
        Assert.Equal(
            """{"type":"http","ts":1700000000.123456,"capture":1,"flow":7,"src_ip":"192.0.2.1","src_port":40007,"dest_ip":"2001:db8::10","dest_port":8080,"method":"POST","host":"www.example.com","uri":"http://www.example.com/upload?x=1","version":"HTTP/1.1","status":201,"request_body_len":400,"response_body_len":1,"response_body_sha256":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","cookies_sent":["sid","theme"],"cookies_set":["sid"],"conditional":true,"not_modified":false,"saved_bytes":null,"ttfb_ms":1.499,"transfer_ms":null}""",
            lines[0].GetRawText());
        Assert.Equal(
            """{"type":"flow","ts":1700000000.123463,"capture":1,"flow":7,"src_ip":"192.0.2.1","src_port":40007,"dest_ip":"2001:db8::10","dest_port":8080,"protocol":"http","handshake_rtt_ms":1.234,"bytes_to_server":700,"bytes_to_client":90000,"packets":16,"gap_bytes":14,"close_reason":"reset"}""",
            lines[1].GetRawText());
        Assert.Equal(
            """{"type":"anomaly","ts":1700000000.123463,"capture":1,"flow":7,"src_ip":"192.0.2.1","src_port":40007,"dest_ip":"2001:db8::10","dest_port":8080,"kind":"tcp_content_gap","detail":"gap of 7 bytes"}""",
            lines[2].GetRawText());
    }

    [Fact]
    public void Json_holds_the_same_objects_as_ndjson_in_one_document()
    {
        List<SnifferRecord> emitted = Analyse(Path.Combine(RepositoryPaths.Captures, "tcp", "http-keepalive.pcap"));
        RecordReport report = Store(emitted, "http-keepalive.pcap");

        using JsonDocument document = JsonDocument.Parse(Report(report, ReportFormat.Json));
        Assert.Equal(
            Lines(Report(report, ReportFormat.Ndjson)).Select(l => l.GetRawText()),
            document.RootElement.GetProperty("records").EnumerateArray().Select(r => r.GetRawText()));
    }

    private static bool IsFlowHttpOrAnomaly(SnifferRecord record) => record is FlowRecord or HttpTransaction or Anomaly;

    private static List<SnifferRecord> Analyse(string capture)
    {
        var sink = new ListSink();
        using var pipeline = new AnalysisPipeline(new PipelineOptions(), sink);
        CaptureFileAnalysis.Read([capture], pipeline);
        return sink.Records;
    }

    private RecordReport Store(IEnumerable<SnifferRecord> records, string capture)
    {
        string db = _folder.File("report.sniffer.db");
        using (var writer = SessionStoreWriter.Open(db))
        {
            writer.BeginCapture(new CaptureSource(capture));
            foreach (SnifferRecord record in records) writer.Emit(record);
        }
        var reader = SessionStoreReader.Open(db);
        _readers.Add(reader);
        return RecordReport.FromStore(reader);
    }

    private static string Report(RecordReport report, ReportFormat format)
    {
        using var output = new MemoryStream();
        report.Write(output, format);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    private static JsonElement[] Lines(string ndjson) =>
        ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToArray();
}
