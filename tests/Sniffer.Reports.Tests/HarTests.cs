using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Sniffer.Storage.Reports;
using Sniffer.TestSupport;
using Xunit;

namespace Sniffer.Reports.Tests;

public sealed class HarTests
{
    public static TheoryData<string> SharedHttpCaptures() => new(
        RepositoryPaths.SharedCaptures is null
            ? ["(absent)"]
            : ["real/http-keepalive-nginx.pcap", "real/http-gzip-nginx.pcap", "real/http-methods.pcap", "real/http-cookies.pcap",
               "real/damaged/http-keepalive-nginx.drop.pcap", "peers/zeek/http/multipart.pcap", "peers/zeek/http/get-gzip.pcap", "peers/zeek/http/entity_gap.pcap"]);

    [Fact]
    public void The_projects_keepalive_capture_gives_a_har_that_agrees_with_the_ndjson()
    {
        using var store = AnalysedStore.FromCapture(Path.Combine(RepositoryPaths.Captures, "tcp", "http-keepalive.pcap"));
        int entries = AssertHarAgreesWithNdjson(store);
        Assert.Equal(3, entries);
    }

    [SharedCapturesTheory]
    [MemberData(nameof(SharedHttpCaptures))]
    public void A_reference_capture_gives_a_har_that_agrees_with_the_ndjson(string capture)
    {
        string path = RepositoryPaths.Shared(capture);
        Assert.True(File.Exists(path), path);
        using var store = AnalysedStore.FromCapture(path);
        Assert.True(AssertHarAgreesWithNdjson(store) > 0);
    }

    [Fact]
    public void The_first_request_of_a_connection_is_charged_the_handshake_and_pages_gather_their_objects()
    {
        using var store = AnalysedStore.FromCapture(Path.Combine(RepositoryPaths.Captures, "tcp", "http-keepalive.pcap"));
        using JsonDocument har = JsonDocument.Parse(Rendering.Har(store.Cursor));
        JsonElement[] entries = har.RootElement.GetProperty("log").GetProperty("entries").EnumerateArray().ToArray();
        var flow = store.Reader.Flows(Storage.Page.First(1)).Single().Record;

        Assert.Equal(flow.HandshakeRttNs!.Value / 1e6, entries[0].GetProperty("timings").GetProperty("connect").GetDouble(), 3);
        Assert.All(entries.Skip(1), e => Assert.Equal(-1, e.GetProperty("timings").GetProperty("connect").GetDouble()));
        Assert.All(entries, e => Assert.Equal(flow.ServerAddress, e.GetProperty("serverIPAddress").GetString()));
        // Every entry of the one connection belongs to the page that connection loaded first.
        Assert.All(entries, e => Assert.Equal("page_1", e.GetProperty("pageref").GetString()));
        Assert.Equal("http://www.example.com/index.html",
            har.RootElement.GetProperty("log").GetProperty("pages")[0].GetProperty("title").GetString());
    }

    /// <summary>Compares the HAR's entries with the NDJSON http lines of the same database, flow by flow; returns the entry count.</summary>
    private static int AssertHarAgreesWithNdjson(AnalysedStore store)
    {
        using JsonDocument har = JsonDocument.Parse(Rendering.Har(store.Cursor));
        Assert.Empty(HarStructure.Problems(har.RootElement));

        using var ndjsonOutput = new MemoryStream();
        RecordReport.FromStore(store.Reader).Write(ndjsonOutput, ReportFormat.Ndjson);
        JsonElement[] lines = Encoding.UTF8.GetString(ndjsonOutput.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .Where(l => l.GetProperty("type").GetString() == "http").ToArray();
        JsonElement[] entries = har.RootElement.GetProperty("log").GetProperty("entries").EnumerateArray().ToArray();
        Assert.Equal(lines.Length, entries.Length);

        // NDJSON lists exchanges by time, the HAR in emission order; within a connection both follow the exchanges' order.
        var linesByFlow = lines.GroupBy(l => l.GetProperty("flow").GetInt64()).ToDictionary(g => g.Key, g => g.OrderBy(l => l.GetProperty("ts").GetDecimal()).ToList());
        foreach (var flow in entries.GroupBy(e => e.GetProperty("_flow").GetInt64()))
        {
            List<JsonElement> expected = linesByFlow[flow.Key];
            Assert.Equal(expected.Count, flow.Count());
            foreach (var (entry, line) in flow.Zip(expected))
            {
                JsonElement response = entry.GetProperty("response"), timings = entry.GetProperty("timings");
                Assert.Equal(line.GetProperty("method").GetString() ?? "", entry.GetProperty("request").GetProperty("method").GetString());
                Assert.Equal(line.GetProperty("status").ValueKind == JsonValueKind.Null ? 0 : line.GetProperty("status").GetInt32(), response.GetProperty("status").GetInt32());
                Assert.Equal(Milliseconds(line, "ttfb_ms"), timings.GetProperty("wait").GetDouble(), 3);
                Assert.Equal(Milliseconds(line, "transfer_ms"), timings.GetProperty("receive").GetDouble(), 3);
                Assert.Equal(line.GetProperty("response_body_len").GetInt64(), response.GetProperty("content").GetProperty("size").GetInt64());
                string? sha256 = line.GetProperty("response_body_sha256").GetString();
                JsonElement content = response.GetProperty("content");
                Assert.Equal(sha256, content.TryGetProperty("_sha256", out JsonElement stated) ? stated.GetString() : null);
                if (sha256 is not null && content.TryGetProperty("text", out JsonElement text) && !content.TryGetProperty("_truncated", out _))
                {
                    byte[] bytes = content.TryGetProperty("encoding", out _) ? Convert.FromBase64String(text.GetString()!) : Encoding.UTF8.GetBytes(text.GetString()!);
                    Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
                }
            }
        }
        return entries.Length;
    }

    /// <summary>An NDJSON figure as the HAR states it: unmeasured is 0 (HAR requires a number for send, wait and receive).</summary>
    private static double Milliseconds(JsonElement line, string name) =>
        line.GetProperty(name).ValueKind == JsonValueKind.Null ? 0 : Math.Max(0, line.GetProperty(name).GetDouble());
}
