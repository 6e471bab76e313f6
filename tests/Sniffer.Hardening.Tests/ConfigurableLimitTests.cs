using System.Text.Json;
using Sniffer.Core.Records;
using Sniffer.Dissectors.Http;
using Sniffer.Dissectors.Imap;
using Sniffer.Dissectors.Mail;
using Sniffer.Engine;
using Sniffer.Hardening.Tests.Support;
using Sniffer.TestSupport;
using Sniffer.TestSupport.CaptureFiles;
using Sniffer.TestSupport.Synthesis;
using static Sniffer.Hardening.Tests.Support.Conversations;

namespace Sniffer.Hardening.Tests;

/// <summary>
/// Every limit of <c>--limit NAME=VALUE</c> (issue 12, item 2), run through the real <c>sniffer</c>: lowered, it turns
/// traffic the default lets through into its anomaly, and the HTTP connection after that traffic is still analysed whole.
/// </summary>
public sealed class ConfigurableLimitTests
{
    private const string NoContent = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

    /// <summary>What a limit is lowered to, the traffic that then hits it (the normal connection follows), and the anomaly it yields.</summary>
    private sealed record LimitCase(string[] Limits, Func<byte[]> Capture, string AnomalyKind, string DetailPart);

    private static readonly Dictionary<string, LimitCase> Cases = new()
    {
        ["app.max_line"] = new(["app.max_line=1KB"],
            () => ThenNormalHttp(Http($"GET /{new string('a', 5000)} HTTP/1.1\r\nHost: x\r\n\r\n", NoContent)),
            HttpAnomalyKinds.LineTooLong, "1024"),
        ["http.max_header_bytes"] = new(["http.max_header_bytes=2KB"],
            () => ThenNormalHttp(Http($"GET / HTTP/1.1\r\nHost: x\r\n{Headers(40, 90)}\r\n", NoContent)),
            HttpAnomalyKinds.HeadersTooLarge, "over 2048 bytes"),
        ["http.max_headers"] = new(["http.max_headers=10"],
            () => ThenNormalHttp(Http($"GET / HTTP/1.1\r\nHost: x\r\n{Headers(20, 1)}\r\n", NoContent)),
            HttpAnomalyKinds.TooManyHeaders, "more than 10 header fields"),
        ["http.max_body"] = new(["http.max_body=1000"],
            () => ThenNormalHttp(Http("GET /big HTTP/1.1\r\nHost: x\r\n\r\n", $"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n{new string('z', 5000)}")),
            "http_body_over_cap", "kept 1000 of 5000"),
        ["http.max_decompressed"] = new(["http.max_decompressed=1MB"],
            () => ThenNormalHttp(GzipResponse("/large", Gzip(FourLetterText(2 * 1024 * 1024)))),
            HttpAnomalyKinds.DecompressionBomb, "passed 1048576 bytes"),
        ["http.max_ratio"] = new(["http.max_ratio=2"],
            () => ThenNormalHttp(GzipResponse("/large", Gzip(FourLetterText(2 * 1024 * 1024)))),
            HttpAnomalyKinds.DecompressionBomb, "ratio over 2"),
        ["mail.max_message"] = new(["mail.max_message=4KB"],
            () => ThenNormalHttp(Smtp(bodyLines: 100)),
            MailAnomalyKinds.MessageTooLarge, "kept 4096 of"),
        ["imap.max_literal"] = new(["imap.max_literal=4KB"],
            () => ThenNormalHttp(Imap(literalLength: 20_000, sentLength: 20_000)),
            ImapAnomalyKinds.LiteralTooLarge, "over 4096 bytes"),
        ["app.max_kept_total"] = new(["app.max_kept_total=64KB"],
            () => ThenNormalHttp(Http("GET /big HTTP/1.1\r\nHost: x\r\n\r\n", $"HTTP/1.1 200 OK\r\nContent-Length: 200000\r\n\r\n{new string('z', 200_000)}")),
            AnomalyKinds.KeptBytesLimit, "of 200000 bytes"),
        ["tcp.max_buffered_per_flow"] = new(["tcp.max_buffered_per_flow=16KB"],
            () => ThenNormalHttp(HoleThenData(40000, 64 * 1024)),
            AnomalyKinds.TcpBufferLimit, ""),
        ["tcp.max_buffered_total"] = new(["tcp.max_buffered_total=48KB"],
            () => ThenNormalHttp([.. Enumerable.Range(0, 6).Select(i => HoleThenData(40000 + i, 20 * 1024))]),
            AnomalyKinds.TcpBufferLimit, ""),
        ["tcp.max_flows"] = new(["tcp.max_flows=4"],
            () => ThenNormalHttp(SynFlood(50)),
            AnomalyKinds.TcpFlowLimit, "flow table full (4 flows)"),
        ["ip.max_fragment_datagrams"] = new(["ip.max_fragment_datagrams=4"],
            () => UnfinishedFragmentsThenNormalHttp(20),
            AnomalyKinds.FragmentLimit, "more than 4 datagrams in reassembly"),
        // Twenty first fragments reserve 24 bytes each; the budget may not be below the largest datagram, lowered too.
        ["ip.max_fragment_bytes"] = new(["ip.max_datagram=64", "ip.max_fragment_bytes=256"],
            () => UnfinishedFragmentsThenNormalHttp(20),
            AnomalyKinds.FragmentLimit, "fragment buffers above 256 bytes"),
        ["ip.max_datagram"] = new(["ip.max_datagram=16"],
            () => UnfinishedFragmentsThenNormalHttp(20),
            AnomalyKinds.FragmentLimit, "beyond the 16-byte datagram limit"),
    };

    public static TheoryData<string> LimitNames => new(PipelineLimits.All.Select(l => l.Name));

    [Theory]
    [MemberData(nameof(LimitNames))]
    public void A_limit_lowered_on_the_command_line_yields_its_anomaly_and_the_next_connection_is_analysed(string name)
    {
        LimitCase limit = Cases[name];
        using TemporaryFile capture = TemporaryFile.WithContent(limit.Capture(), ".pcap");

        ProcessResult run = SnifferProcess.Run(["report", capture.Path, "--format", "ndjson", .. limit.Limits.SelectMany(l => new[] { "--limit", l })]);

        Assert.True(run.ExitCode == 0, $"sniffer exited {run.ExitCode}: {run.StandardError}");
        List<JsonElement> records = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        List<(string? Kind, string? Detail)> anomalies = records.Where(r => Text(r, "type") == "anomaly").Select(r => (Text(r, "kind"), Text(r, "detail"))).ToList();
        Assert.True(anomalies.Any(a => a.Kind == limit.AnomalyKind && a.Detail!.Contains(limit.DetailPart, StringComparison.Ordinal)),
            $"no {limit.AnomalyKind} with '{limit.DetailPart}' among: {string.Join("; ", anomalies)}");
        List<JsonElement> normal = records.Where(r => Text(r, "type") == "http" && Text(r, "host") == NormalHost).ToList();
        Assert.Equal(Enumerable.Range(0, NormalRequests).Select(i => $"/page/{i}"), normal.Select(r => Text(r, "uri")));
        Assert.All(normal, r => Assert.Equal((200, 5), (r.GetProperty("status").GetInt32(), r.GetProperty("response_body_len").GetInt32())));
    }

    [Theory]
    [MemberData(nameof(LimitNames))]
    public void The_same_traffic_under_the_default_limits_yields_no_such_anomaly(string name)
    {
        LimitCase limit = Cases[name];

        AnalysisOutcome outcome = CaptureAnalysis.Run(limit.Capture());

        Assert.DoesNotContain(outcome.Of<Anomaly>(), a => a.Kind == limit.AnomalyKind && a.Detail.Contains(limit.DetailPart, StringComparison.Ordinal));
        Assert.Equal(NormalRequests, outcome.Of<Dissectors.Http.Records.HttpTransaction>().Count(t => t.Host == NormalHost));
    }

    [Fact]
    public void An_unknown_limit_name_is_a_usage_error_that_lists_the_names()
    {
        ProcessResult run = SnifferProcess.Run("read", "--limit", "http.max_bodies=1MB", "absent.pcap");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("sniffer: --limit: 'http.max_bodies' is not a limit; the limits are app.max_line, http.max_header_bytes, " +
            "http.max_headers, http.max_body, http.max_decompressed, http.max_ratio, mail.max_message, imap.max_literal, " +
            "app.max_kept_total, tcp.max_buffered_per_flow, tcp.max_buffered_total, tcp.max_flows, ip.max_fragment_datagrams, ip.max_fragment_bytes, " +
            "ip.max_datagram", run.StandardError.Split('\n')[0]);
        Assert.Empty(run.StandardOutput);
    }

    [Fact]
    public void A_value_that_is_not_a_size_is_a_usage_error_that_says_what_a_size_is()
    {
        ProcessResult run = SnifferProcess.Run("report", "absent.pcap", "--limit", "tcp.max_buffered_total=lots");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("sniffer: --limit: tcp.max_buffered_total=lots: not a size: use a whole number of bytes, optionally with KB, MB or GB (1 KB = 1024 bytes)",
            run.StandardError.Split('\n')[0]);
    }

    [Theory]
    [InlineData("read")]
    [InlineData("open")]
    [InlineData("capture")]
    [InlineData("report")]
    public void Every_analysing_command_lists_the_limits_and_their_defaults_in_its_help(string command)
    {
        ProcessResult run = SnifferProcess.Run(command, "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--limit <NAME=VALUE>", run.StandardOutput);
        // The help wraps to the terminal's width; the names and defaults are all there once whitespace is ignored.
        string unwrapped = string.Concat(run.StandardOutput.Where(c => !char.IsWhiteSpace(c)));
        Assert.Contains("app.max_line=64KB,http.max_header_bytes=256KB,http.max_headers=1000,http.max_body=16MB", unwrapped);
        Assert.Contains(string.Concat(PipelineLimits.NamesWithDefaults.Where(c => !char.IsWhiteSpace(c))), unwrapped);
    }

    private static byte[] ThenNormalHttp(params TcpConversation[] hostile) => CaptureAnalysis.Pcap([.. hostile, NormalHttp()]);

    private static string Headers(int count, int valueLength) =>
        string.Concat(Enumerable.Range(0, count).Select(i => $"X-Filler-{i}: {new string('v', valueLength)}\r\n"));

    /// <summary>Text of four letters drawn at random: deflate packs it about 4:1, far below the default ratio of 1000.</summary>
    private static byte[] FourLetterText(int length)
    {
        var random = new Random(12);
        return Enumerable.Range(0, length).Select(_ => "ACGT"u8[random.Next(4)]).ToArray();
    }

    private static string? Text(JsonElement record, string property) =>
        record.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
