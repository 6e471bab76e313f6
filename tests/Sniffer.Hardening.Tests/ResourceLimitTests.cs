using Sniffer.Core.Dissection;
using Sniffer.Core.Records;
using Sniffer.Decoding;
using Sniffer.Dissectors.Http;
using Sniffer.Dissectors.Http.Records;
using Sniffer.Dissectors.Imap;
using Sniffer.Engine;
using Sniffer.Hardening.Tests.Support;
using Sniffer.Reassembly;
using Sniffer.TestSupport.CaptureFiles;
using Sniffer.TestSupport.Synthesis;
using Xunit.Abstractions;
using static Sniffer.Hardening.Tests.Support.Conversations;

namespace Sniffer.Hardening.Tests;

/// <summary>
/// Each configurable limit (issue 12, item 2) produces its anomaly when hostile traffic hits it, and the ordinary
/// HTTP connection that follows in the same capture is still analysed whole.
/// </summary>
public sealed class ResourceLimitTests(ITestOutputHelper output)
{
    private static readonly PipelineOptions Defaults = new();

    [Fact]
    public void A_request_line_over_MaxLineBytes_is_reported_and_the_next_connection_is_analysed()
    {
        var options = Defaults with { Dissectors = DissectorSettings.Default with { MaxLineBytes = 1024 } };
        TcpConversation hostile = Http($"GET /{new string('a', 5000)} HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        AnalysisOutcome outcome = CaptureAnalysis.Run(CaptureAnalysis.Pcap(hostile, NormalHttp()), options);

        Assert.Contains(HttpAnomalyKinds.LineTooLong, outcome.AnomalyKinds);
        AssertNormalConnectionAnalysed(outcome);
    }

    [Fact]
    public void A_10_MB_header_line_is_reported_without_being_held_and_the_next_connection_is_analysed()
    {
        byte[] request = Concat(Ascii("GET / HTTP/1.1\r\nHost: x\r\nX-Long: "), Enumerable.Repeat((byte)'b', 10 * 1024 * 1024).ToArray(), Ascii("\r\n\r\n"));
        TcpConversation hostile = Http(request, Ascii("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
        byte[] capture = CaptureAnalysis.Pcap(hostile, NormalHttp());

        AnalysisOutcome outcome = CaptureAnalysis.Run(capture);

        Assert.Contains(HttpAnomalyKinds.LineTooLong, outcome.AnomalyKinds);
        AssertNormalConnectionAnalysed(outcome);
        output.WriteLine($"capture {capture.Length:N0} bytes; analysis allocated {outcome.AllocatedBytes:N0} bytes; " +
            $"peak buffered {outcome.Statistics.Reassembly.PeakBufferedBytes:N0}");
        // Holding the line would allocate at least its 10 MB; the framework keeps at most 4 × MaxLineBytes (256 KB) unconsumed.
        Assert.True(outcome.AllocatedBytes < 8 * 1024 * 1024, $"analysis allocated {outcome.AllocatedBytes:N0} bytes for a 10 MB line");
    }

    [Fact]
    public void A_header_block_over_MaxHeaderBytes_is_reported_and_the_next_connection_is_analysed()
    {
        var options = Defaults with { Dissectors = DissectorSettings.Default with { MaxHeaderBytes = 2048 } };
        string headers = string.Concat(Enumerable.Range(0, 40).Select(i => $"X-Filler-{i}: {new string('v', 90)}\r\n"));
        TcpConversation hostile = Http($"GET / HTTP/1.1\r\nHost: x\r\n{headers}\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        AnalysisOutcome outcome = CaptureAnalysis.Run(CaptureAnalysis.Pcap(hostile, NormalHttp()), options);

        Assert.Contains(HttpAnomalyKinds.HeadersTooLarge, outcome.AnomalyKinds);
        AssertNormalConnectionAnalysed(outcome);
    }

    [Fact]
    public void More_headers_than_MaxHeaderCount_are_reported_and_the_next_connection_is_analysed()
    {
        var options = Defaults with { Dissectors = DissectorSettings.Default with { MaxHeaderCount = 10 } };
        string headers = string.Concat(Enumerable.Range(0, 20).Select(i => $"X-{i}: v\r\n"));
        TcpConversation hostile = Http($"GET / HTTP/1.1\r\nHost: x\r\n{headers}\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        AnalysisOutcome outcome = CaptureAnalysis.Run(CaptureAnalysis.Pcap(hostile, NormalHttp()), options);

        Assert.Contains(HttpAnomalyKinds.TooManyHeaders, outcome.AnomalyKinds);
        AssertNormalConnectionAnalysed(outcome);
    }

    [Fact]
    public void A_body_over_MaxBodyBytes_is_kept_cut_short_but_measured_whole()
    {
        var options = Defaults with { Dissectors = DissectorSettings.Default with { MaxBodyBytes = 1000 } };
        TcpConversation large = Http("GET /big HTTP/1.1\r\nHost: x\r\n\r\n", $"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n{new string('z', 5000)}");

        AnalysisOutcome outcome = CaptureAnalysis.Run(CaptureAnalysis.Pcap(large, NormalHttp()), options);

        HttpBody body = Assert.Single(outcome.Of<HttpTransaction>(), t => t.Request?.Target == "/big").Response!.Body!;
        Assert.Contains(HttpAnomalyKinds.BodyOverCap, outcome.AnomalyKinds);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(new string('z', 5000)))), body.Sha256);
        Assert.True(body.ContentTruncated);
        Assert.Equal(1000, body.Content.Length);
        Assert.Equal(5000, body.DecodedLength);
        AssertNormalConnectionAnalysed(outcome);
    }

    [Theory]
    [InlineData(256L * 1024 * 1024, 1000)] // the default ratio catches 10 MB of zeros (ratio about 1000:1)
    [InlineData(1024L * 1024, 1_000_000)] // the absolute cap catches it when the ratio is allowed
    public void A_gzip_bomb_is_reported_and_the_next_connection_is_analysed(long maxDecompressedBytes, int maxRatio)
    {
        var options = Defaults with { Dissectors = DissectorSettings.Default with { MaxDecompressedBytes = maxDecompressedBytes, MaxDecompressionRatio = maxRatio } };
        byte[] bomb = Gzip(new byte[10 * 1024 * 1024]);
        TcpConversation hostile = GzipResponse("/bomb", bomb);

        AnalysisOutcome outcome = CaptureAnalysis.Run(CaptureAnalysis.Pcap(hostile, NormalHttp()), options);

        Assert.Contains(HttpAnomalyKinds.DecompressionBomb, outcome.AnomalyKinds);
        HttpBody body = Assert.Single(outcome.Of<HttpTransaction>(), t => t.Request?.Target == "/bomb").Response!.Body!;
        Assert.True(body.DecompressionBomb);
        Assert.True(body.DecodedLength <= Math.Min(maxDecompressedBytes, (long)bomb.Length * maxRatio) + 1024 * 1024,
            $"{body.DecodedLength:N0} bytes decoded past the limits");
        AssertNormalConnectionAnalysed(outcome);
    }

    [Fact]
    public void Coded_bodies_on_many_connections_decode_only_as_many_at_once_as_the_budget_holds()
    {
        const long budget = 256 * 1024;
        var options = Defaults with { Reassembly = Defaults.Reassembly with { MaxKeptBytesTotal = budget } };
        var random = new Random(3);
        // Letters at random compress to about 60%: each gzip body spans a dozen segments, so all twenty are in progress at once.
        byte[] text = Enumerable.Range(0, 20_000).Select(_ => (byte)random.Next('a', 'z' + 1)).ToArray();
        byte[] gzip = Gzip(text);
        // Twenty gzip responses at once: each decoder holds an inflater's window and state whether or not its body
        // ever arrives, so only as many decode as the budget covers; the others are kept as they came.
        TcpConversation[] coded = Enumerable.Range(0, 20)
            .Select(i => Http(Ascii($"GET /coded/{i} HTTP/1.1\r\nHost: x\r\n\r\n"),
                Concat(Ascii($"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {gzip.Length}\r\n\r\n"), gzip), clientPort: 42000 + i))
            .ToArray();
        long peak = 0;

        AnalysisOutcome outcome = CaptureAnalysis.Run(CaptureAnalysis.Pcap([.. coded, NormalHttp()]), options,
            pipeline => peak = Math.Max(peak, pipeline.KeptBytesHeld));

        Assert.InRange(peak, 1, budget);
        List<HttpBody> bodies = outcome.Of<HttpTransaction>().Where(t => t.Request?.Target.StartsWith("/coded/") == true).Select(t => t.Response!.Body!).ToList();
        Assert.Equal(20, bodies.Count);
        // Those that decoded are measured and hashed whole, whatever of their output the budget let them keep.
        List<HttpBody> decoded = bodies.Where(body => body.DecodeError is null).ToList();
        Assert.NotEmpty(decoded);
        string sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(text));
        Assert.All(decoded, body => Assert.Equal((20_000L, sha256), (body.DecodedLength, body.Sha256)));
        Assert.All(decoded, body => Assert.Equal(text[..body.Content.Length], body.Content));
        List<HttpBody> keptCoded = bodies.Where(body => body.DecodeError is not null).ToList();
        Assert.NotEmpty(keptCoded);
        string codedSha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(gzip));
        Assert.All(keptCoded, body => Assert.Equal(((long)gzip.Length, codedSha256), (body.DecodedLength, body.Sha256)));
        Assert.All(keptCoded, body => Assert.Equal(gzip[..body.Content.Length], body.Content));
        Assert.All(keptCoded, body => Assert.StartsWith("no room to decode 'gzip'", body.DecodeError));
        Assert.Contains(AnomalyKinds.KeptBytesLimit, outcome.AnomalyKinds);
        AssertNormalConnectionAnalysed(outcome);
    }

    [Fact]
    public void A_body_coded_three_thousand_times_over_is_kept_coded_and_the_next_connection_is_analysed()
    {
        // Each gzip layer adds some 20 bytes, so 3,000 of them fit in a 60 KB body and one header line: a decoder per
        // layer would hold a pooled buffer and an inflater each, and recurse once per layer.
        byte[] body = "innermost"u8.ToArray();
        for (int layer = 0; layer < 3_000; layer++) body = Gzip(body);
        string codings = string.Join(", ", Enumerable.Repeat("gzip", 3_000));
        TcpConversation hostile = Http(Ascii("GET /layers HTTP/1.1\r\nHost: x\r\n\r\n"),
            Concat(Ascii($"HTTP/1.1 200 OK\r\nContent-Encoding: {codings}\r\nContent-Length: {body.Length}\r\n\r\n"), body));
        byte[] capture = CaptureAnalysis.Pcap(hostile, NormalHttp());

        AnalysisOutcome outcome = CaptureAnalysis.Run(capture);

        Anomaly refused = Assert.Single(outcome.Of<Anomaly>(), a => a.Kind == HttpAnomalyKinds.UnsupportedContentEncoding);
        Assert.Contains("3000 content codings", refused.Detail);
        HttpBody kept = Assert.Single(outcome.Of<HttpTransaction>(), t => t.Request?.Target == "/layers").Response!.Body!;
        Assert.Equal(body, kept.Content);
        Assert.Equal(body.Length, kept.DecodedLength);
        output.WriteLine($"capture {capture.Length:N0} bytes; analysis allocated {outcome.AllocatedBytes:N0} bytes");
        // Decoding every layer allocated 85 MB (and an inflater's native state per layer besides).
        Assert.InRange(outcome.AllocatedBytes, 0, 4L << 20);
        AssertNormalConnectionAnalysed(outcome);
    }

    [Fact]
    public void A_Content_Length_longer_than_the_body_sent_ends_as_a_truncated_message_and_the_next_connection_is_analysed()
    {
        TcpConversation lying = Http("GET /lie HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\nonly this");

        AnalysisOutcome outcome = CaptureAnalysis.Run(CaptureAnalysis.Pcap(lying, NormalHttp()));

        Assert.Contains(HttpAnomalyKinds.TruncatedMessage, outcome.AnomalyKinds);
        HttpTransaction lie = Assert.Single(outcome.Of<HttpTransaction>(), t => t.Request?.Target == "/lie");
        Assert.False(lie.Response!.Complete);
        AssertNormalConnectionAnalysed(outcome);
    }

    [Fact]
    public void A_Content_Length_shorter_than_the_body_sent_makes_the_rest_a_violation_not_a_response()
    {
        TcpConversation lying = Http("GET /short HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n<html>smuggled</html>\r\n");

        AnalysisOutcome outcome = CaptureAnalysis.Run(CaptureAnalysis.Pcap(lying, NormalHttp()));

        Assert.Contains(outcome.AnomalyKinds, kind => kind is HttpAnomalyKinds.InvalidStatusLine or HttpAnomalyKinds.ResponseWithoutRequest);
        Assert.Single(outcome.Of<HttpTransaction>(), t => t.Request?.Target == "/short");
        AssertNormalConnectionAnalysed(outcome);
    }

    [Fact]
    public void Bodies_announced_large_on_many_connections_keep_no_more_than_the_budget_and_are_still_measured_whole()
    {
        const long budget = 256 * 1024;
        var options = Defaults with { Reassembly = Defaults.Reassembly with { MaxKeptBytesTotal = budget } };
        // Forty connections at once, each announcing a 1 MB body and sending 20 KB of it: believed, they would hold 40 MB.
        string sent = new('a', 20_000);
        TcpConversation[] hostile = Enumerable.Range(0, 40)
            .Select(i => Http($"GET /announced/{i} HTTP/1.1\r\nHost: x\r\n\r\n", $"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n{sent}", clientPort: 41000 + i))
            .ToArray();
        long peak = 0;

        AnalysisOutcome outcome = CaptureAnalysis.Run(CaptureAnalysis.Pcap([.. hostile, NormalHttp()]), options,
            pipeline => peak = Math.Max(peak, pipeline.KeptBytesHeld));

        output.WriteLine($"peak kept {peak:N0} bytes of a {budget:N0}-byte budget");
        Assert.InRange(peak, 1, budget);
        Assert.Equal(0, outcome.KeptBytesHeld);
        Assert.Contains(AnomalyKinds.KeptBytesLimit, outcome.AnomalyKinds);
        List<HttpBody> bodies = outcome.Of<HttpTransaction>().Where(t => t.Request?.Target.StartsWith("/announced/") == true).Select(t => t.Response!.Body!).ToList();
        Assert.Equal(40, bodies.Count);
        string sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(sent)));
        Assert.All(bodies, body => Assert.Equal((20_000L, sha256), (body.DecodedLength, body.Sha256)));
        Assert.All(bodies, body => Assert.Equal(sent[..body.Content.Length], System.Text.Encoding.ASCII.GetString(body.Content)));
        // All forty grow at once, so the budget runs out while each still holds a prefix of what it was sent.
        Assert.InRange(bodies.Sum(body => (long)body.Content.Length), 40 * 4096, budget);
        Assert.Contains(bodies, body => body.ContentTruncated);
        AssertNormalConnectionAnalysed(outcome);
    }

    [Fact]
    public void An_IMAP_literal_over_MaxLiteralBytes_is_reported_and_the_next_connection_is_analysed()
    {
        var options = Defaults with { Dissectors = DissectorSettings.Default with { MaxLiteralBytes = 4096 } };
        TcpConversation hostile = Imap(literalLength: 20_000, sentLength: 20_000);

        AnalysisOutcome outcome = CaptureAnalysis.Run(CaptureAnalysis.Pcap(hostile, NormalHttp()), options);

        Assert.Contains(ImapAnomalyKinds.LiteralTooLarge, outcome.AnomalyKinds);
        AssertNormalConnectionAnalysed(outcome);
    }

    [Fact]
    public void An_endless_IMAP_literal_is_counted_not_kept_and_the_next_connection_is_analysed()
    {
        TcpConversation hostile = Imap(literalLength: uint.MaxValue, sentLength: 4 * 1024 * 1024, close: false);
        byte[] capture = CaptureAnalysis.Pcap(hostile, NormalHttp());

        AnalysisOutcome outcome = CaptureAnalysis.Run(capture);

        Assert.Contains(ImapAnomalyKinds.LiteralTooLarge, outcome.AnomalyKinds);
        Assert.Contains(ImapAnomalyKinds.Truncated, outcome.AnomalyKinds);
        AssertNormalConnectionAnalysed(outcome);
        output.WriteLine($"capture {capture.Length:N0} bytes; analysis allocated {outcome.AllocatedBytes:N0} bytes");
        // Linear in the capture: MimeKit once grew a line-less "header" of megabytes quadratically (4 MB → 4 GB).
        Assert.InRange(outcome.AllocatedBytes, 0, 8L * capture.Length);
    }

    [Fact]
    public void Out_of_order_bytes_over_MaxBufferedBytesPerFlow_become_a_gap_and_the_next_connection_is_analysed()
    {
        // A small line limit keeps what the HTTP dissector may leave unconsumed (4 × MaxLineBytes) out of the measure.
        var options = Defaults with
        {
            Reassembly = ReassemblyOptions.Default with { MaxBufferedBytesPerFlow = 16 * 1024 },
            Dissectors = DissectorSettings.Default with { MaxLineBytes = 1024 },
        };

        AnalysisOutcome outcome = CaptureAnalysis.Run(CaptureAnalysis.Pcap(HoleThenData(40000, 64 * 1024), NormalHttp()), options);

        Assert.Contains(AnomalyKinds.TcpBufferLimit, outcome.AnomalyKinds);
        Assert.True(outcome.Statistics.Reassembly.PeakBufferedBytes <= 16 * 1024 + 1000 + 4 * 1024, $"peak {outcome.Statistics.Reassembly.PeakBufferedBytes:N0} bytes buffered");
        AssertNormalConnectionAnalysed(outcome);
    }

    [Fact]
    public void Out_of_order_bytes_of_many_flows_over_MaxBufferedBytesTotal_become_gaps_and_the_next_connection_is_analysed()
    {
        var options = Defaults with { Reassembly = ReassemblyOptions.Default with { MaxBufferedBytesTotal = 48 * 1024 } };
        TcpConversation[] hostile = Enumerable.Range(0, 6).Select(i => HoleThenData(40000 + i, 20 * 1024)).ToArray();

        AnalysisOutcome outcome = CaptureAnalysis.Run(CaptureAnalysis.Pcap([.. hostile, NormalHttp()]), options);

        Assert.Contains(AnomalyKinds.TcpBufferLimit, outcome.AnomalyKinds);
        Assert.True(outcome.Statistics.Reassembly.PeakBufferedBytes <= 48 * 1024 + 1460, $"peak {outcome.Statistics.Reassembly.PeakBufferedBytes:N0} bytes buffered");
        AssertNormalConnectionAnalysed(outcome);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Twenty_thousand_one_byte_holes_hold_at_most_8192_pieces_make_a_few_hundred_records_and_the_next_connection_is_analysed(int workers)
    {
        // Byte 0 never comes, nor any even byte: the odd ones wait behind their holes, far under the byte cap.
        var hostile = new TcpConversation("10.0.0.1:40000", "10.0.0.2:80").Handshake();
        uint first = hostile.ClientNextSequence;
        for (int i = 0; i < 20_000; i++) hostile.RawSegment(fromClient: true, first + (uint)(2 * i + 1), "y"u8.ToArray());

        AnalysisOutcome outcome = CaptureAnalysis.Run(CaptureAnalysis.Pcap(hostile, NormalHttp()), Defaults with { Workers = workers });

        Assert.InRange(outcome.Statistics.Reassembly.PeakBufferedBytes, 4_096, 8_192 + 1_000);
        // One gap per hole, each worth an anomaly: 100 of a kind are listed, the rest counted in anomaly_limit.
        List<Anomaly> anomalies = outcome.Of<Anomaly>().Where(a => a.FlowId == 1).ToList();
        Assert.InRange(anomalies.Count, 2, 300);
        Assert.Contains(anomalies, a => a.Kind == AnomalyKinds.AnomalyLimit);
        AssertNormalConnectionAnalysed(outcome);
    }

    [Fact]
    public void More_flows_than_MaxFlows_end_the_least_recent_and_the_next_connection_is_analysed()
    {
        var options = Defaults with { Reassembly = ReassemblyOptions.Default with { MaxFlows = 4 } };
        AnalysisOutcome outcome = CaptureAnalysis.Run(CaptureAnalysis.Pcap([.. SynFlood(50), NormalHttp()]), options);

        Assert.Contains(AnomalyKinds.TcpFlowLimit, outcome.AnomalyKinds);
        AssertNormalConnectionAnalysed(outcome);
    }

    [Fact]
    public void More_fragmented_datagrams_than_MaxFragmentDatagramsInFlight_are_evicted_and_the_next_connection_is_analysed()
    {
        var options = Defaults with { Decoder = DecoderSettings.Default with { MaxFragmentDatagramsInFlight = 4 } };
        AnalysisOutcome outcome = CaptureAnalysis.Run(UnfinishedFragmentsThenNormalHttp(20), options);

        Assert.Contains(AnomalyKinds.FragmentLimit, outcome.AnomalyKinds);
        AssertNormalConnectionAnalysed(outcome);
    }

    /// <summary>The connection of <see cref="Conversations.NormalHttp"/> yielded all its transactions, complete.</summary>
    private static void AssertNormalConnectionAnalysed(AnalysisOutcome outcome)
    {
        List<HttpTransaction> normal = outcome.Of<HttpTransaction>().Where(t => t.Host == NormalHost).ToList();
        Assert.Equal(Enumerable.Range(0, NormalRequests).Select(i => $"/page/{i}"), normal.Select(t => t.Request?.Target));
        Assert.All(normal, t => Assert.Equal(200, t.Response?.StatusCode));
        Assert.All(normal, t => Assert.Equal("hello"u8.ToArray(), t.Response!.Body!.Content));
        // Every entity that kept bytes gave their reservation back, whatever ended it.
        Assert.Equal(0, outcome.KeptBytesHeld);
    }
}
