using System.Text;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Core.Records;
using Sniffer.Dissectors.Http.Records;
using Sniffer.Dissectors.Http.Tests.Support;
using Xunit;

namespace Sniffer.Dissectors.Http.Tests;

/// <summary>Split points, declined upgrades, violations mid-body and other corners of the state machine.</summary>
public class HttpStreamDissectorEdgeTests
{
    private const string Requests = "GET /a HTTP/1.1\r\nHost: h\r\n\r\nPOST /b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\n";

    [Fact]
    public void EverySplitPointOfAConversationGivesTheSameTransactions()
    {
        byte[] gzipped = Codings.Encode(Encoding.ASCII.GetBytes("compressed hello"), "gzip");
        byte[] responses =
        [
            .. Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {gzipped.Length}\r\n\r\n"),
            .. gzipped,
            .. Encoding.ASCII.GetBytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"),
        ];
        byte[] requests = Encoding.ASCII.GetBytes(Requests);

        string expected = Summarise(Play(requests, responses, requests.Length, responses.Length));
        for (int at = 0; at <= requests.Length; at++) Assert.Equal(expected, Summarise(Play(requests, responses, at, responses.Length)));
        for (int at = 0; at <= responses.Length; at++) Assert.Equal(expected, Summarise(Play(requests, responses, requests.Length, at)));
        Assert.Equal("1 GET /a 200 compressed hello|2 POST /b abc 100,200 ok", expected);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void RandomSegmentationGivesTheSameTransactions(int seed)
    {
        byte[] gzipped = Codings.Encode(Encoding.ASCII.GetBytes("compressed hello"), "gzip");
        byte[] responses =
        [
            .. Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {gzipped.Length}\r\n\r\n"),
            .. gzipped,
            .. Encoding.ASCII.GetBytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"),
        ];
        byte[] requests = Encoding.ASCII.GetBytes(Requests);
        int firstRequestLength = Requests.IndexOf("POST", StringComparison.Ordinal);
        int secondResponseStart = responses.Length - "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n".Length;
        var random = new Random(seed);
        var driver = new ConversationDriver();
        int sentRequests = 0, sentResponses = 0;
        while (sentRequests < requests.Length || sentResponses < responses.Length)
        {
            // Interleave the directions in random slices; the server answers only requests it has received.
            int answerable = sentRequests == requests.Length ? responses.Length : sentRequests >= firstRequestLength ? secondResponseStart : 0;
            bool client = sentRequests < requests.Length && (random.Next(2) == 0 || sentResponses >= answerable);
            if (client)
            {
                int take = Math.Min(random.Next(1, 20), requests.Length - sentRequests);
                driver.Send(Direction.ClientToServer, requests.AsSpan(sentRequests, take));
                sentRequests += take;
            }
            else
            {
                int take = Math.Min(random.Next(1, 20), answerable - sentResponses);
                driver.Send(Direction.ServerToClient, responses.AsSpan(sentResponses, take));
                sentResponses += take;
            }
        }

        Assert.Equal("1 GET /a 200 compressed hello|2 POST /b abc 100,200 ok", Summarise(driver));
    }

    [Fact]
    public void DeclinedUpgradeLetsTheClientGoOn()
    {
        var driver = new ConversationDriver()
            .Client("GET /chat HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
            .Server("HTTP/1.1 426 Upgrade Required\r\nContent-Length: 0\r\n\r\n")
            .Client("GET /plain HTTP/1.1\r\nHost: h\r\n\r\n")
            .Server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        Assert.Equal(["/chat", "/plain"], driver.Transactions.Select(t => t.Request!.Target));
        Assert.All(driver.Transactions, t => Assert.Equal(HttpHandOff.None, t.HandOff));
    }

    [Fact]
    public void InterimResponseWithoutARequestStillPairsWithItsFinalResponse()
    {
        var driver = new ConversationDriver()
            .Server("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx");

        HttpTransaction transaction = driver.Transactions.Single();
        Assert.Equal(103, transaction.InterimResponses.Single().StatusCode);
        Assert.Equal(200, transaction.Response!.StatusCode);
    }

    [Fact]
    public void BadChunkFramingKeepsWhatArrivedAndResynchronises()
    {
        var driver = new ConversationDriver()
            .Client("GET / HTTP/1.1\r\nHost: h\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n")
            .Server("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\nzz\r\nHTTP/1.1 204 No Content\r\n\r\n");
        Assert.Equal(DissectStatus.Progress, driver.Statuses[^1]);
        driver.EndBoth();

        HttpResponse response = driver.Transactions[0].Response!;
        Assert.False(response.Complete);
        Assert.Equal("abcd", Encoding.ASCII.GetString(response.Body!.Content));
        Assert.Equal(204, driver.Transactions[1].Response!.StatusCode);
        Assert.Equal([HttpAnomalyKinds.InvalidChunkSize, HttpAnomalyKinds.Resynchronised], driver.Anomalies.Select(a => a.Kind));
    }

    [Fact]
    public void InvalidResponseFramingStillSettlesTheRequestAtTheEnd()
    {
        var driver = new ConversationDriver()
            .Client("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            .Server("HTTP/1.1 200 OK\r\nContent-Length: lots\r\n\r\n")
            .EndBoth();

        HttpTransaction transaction = driver.Transactions.Single();
        Assert.Equal("/", transaction.Request!.Target);
        Assert.Null(transaction.Response);
    }

    [Fact]
    public void ResetDuringABodyUntilCloseLeavesItIncomplete()
    {
        var driver = new ConversationDriver()
            .Client("GET / HTTP/1.0\r\n\r\n")
            .Server("HTTP/1.0 200 OK\r\n\r\npartial");
        driver.Dissector.OnEnd(Direction.ServerToClient, StreamEndReason.Reset, 5);

        Assert.True(driver.Transactions.Single().Response!.Body!.Incomplete);
    }

    [Fact]
    public void EmptyLinesBeforeARequestAreSkipped()
    {
        var driver = new ConversationDriver(1)
            .Client("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n")
            .Server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        Assert.Equal("/", driver.Transactions.Single().Request!.Target);
        Assert.Contains(driver.Anomalies, a => a.Kind == HttpAnomalyKinds.LenientSyntax && a.Detail.Contains("EmptyLineBeforeStartLine"));
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    // BrotliStream reports corrupt data with an InvalidOperationException, not the InvalidDataException of the others.
    [InlineData("br")]
    public void CorruptCodedDataIsReportedAndTheFramingHolds(string coding)
    {
        var driver = new ConversationDriver()
            .Client("GET / HTTP/1.1\r\nHost: h\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n")
            .Server($"HTTP/1.1 200 OK\r\nContent-Encoding: {coding}\r\nContent-Length: 12\r\n\r\n\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff")
            .Server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

        HttpBody body = driver.Transactions[0].Response!.Body!;
        Assert.NotNull(body.DecodeError);
        Assert.Equal(12, body.EncodedLength);
        Assert.Equal("ok", Encoding.ASCII.GetString(driver.Transactions[1].Response!.Body!.Content));
        Assert.Contains(driver.Anomalies, a => a.Kind == HttpAnomalyKinds.ContentDecodingFailed);
    }

    [Fact]
    public void UnsupportedCodingKeepsTheBodyCoded()
    {
        var driver = new ConversationDriver()
            .Client("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            .Server("HTTP/1.1 200 OK\r\nContent-Encoding: zstd\r\nContent-Length: 4\r\n\r\n\u0028\u00b5\u002f\u00fd");

        HttpBody body = driver.Transactions.Single().Response!.Body!;
        Assert.Equal(4, body.Content.Length);
        Assert.Contains("zstd", body.DecodeError);
        Assert.Contains(driver.Anomalies, a => a.Kind == HttpAnomalyKinds.UnsupportedContentEncoding);
    }

    [Fact]
    public void PastAThousandUnansweredRequestsTheOldestAreRecordedWithoutAResponseAndTheRestStayPaired()
    {
        var driver = new ConversationDriver()
            .Client(string.Concat(Enumerable.Range(1, 1500).Select(i => $"GET /{i} HTTP/1.1\r\nHost: h\r\n\r\n")))
            .Server(string.Concat(Enumerable.Range(1, 1500).Select(i => $"HTTP/1.1 200 OK\r\nContent-Length: {i.ToString().Length}\r\n\r\n{i}")))
            .EndBoth();

        List<HttpTransaction> transactions = driver.Transactions.ToList();
        Assert.Equal(Enumerable.Range(1, 500).Select(i => $"/{i}"), transactions.Where(t => t.Response is null).Select(t => t.Request!.Target));
        // The responses that answered them came on their own, in order, and each remaining request kept its own.
        Assert.Equal(Enumerable.Range(1, 500).Select(i => $"{i}"), transactions.Where(t => t.Request is null).Select(t => Encoding.ASCII.GetString(t.Response!.Body!.Content)));
        List<HttpTransaction> paired = transactions.Where(t => t.Request is not null && t.Response is not null).ToList();
        Assert.Equal(1000, paired.Count);
        Assert.All(paired, t => Assert.Equal(t.Request!.Target[1..], Encoding.ASCII.GetString(t.Response!.Body!.Content)));
        Anomaly limit = Assert.Single(driver.Anomalies);
        Assert.Equal(HttpAnomalyKinds.TooManyPendingRequests, limit.Kind);
    }

    [Theory]
    [InlineData(5, true)] // as many layers as curl decodes
    [InlineData(6, false)] // one more: kept as it came (curl refuses it too, CVE-2022-32206)
    public void StackedCodingsAreUndoneUpToFiveLayers(int layers, bool decoded)
    {
        byte[] body = "innermost"u8.ToArray();
        for (int i = 0; i < layers; i++)
        {
            var compressed = new MemoryStream();
            using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest)) gzip.Write(body);
            body = compressed.ToArray();
        }
        string head = $"HTTP/1.1 200 OK\r\nContent-Encoding: {string.Join(", ", Enumerable.Repeat("gzip", layers))}\r\nContent-Length: {body.Length}\r\n\r\n";
        var driver = new ConversationDriver().Client("GET / HTTP/1.1\r\nHost: h\r\n\r\n").Send(Direction.ServerToClient, [.. Encoding.ASCII.GetBytes(head), .. body]);

        HttpBody kept = driver.Transactions.Single().Response!.Body!;
        Assert.Equal(decoded ? "innermost"u8.ToArray() : body, kept.Content);
        Assert.Equal(decoded, driver.Anomalies.All(a => a.Kind != HttpAnomalyKinds.UnsupportedContentEncoding));
        if (!decoded) Assert.Equal("6 content codings, more than the 5 a client decodes: body kept coded", kept.DecodeError);
    }

    [Fact]
    public void FlowPickedUpMidStreamStartsAtTheNextStartLine()
    {
        var driver = new ConversationDriver(pickedUpMidStream: true)
            .Client("of a previous body\r\nGET /seen HTTP/1.1\r\nHost: h\r\n\r\n")
            .Server("tail of a response</html>\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        Assert.Equal("/seen", driver.Transactions.Single().Request!.Target);
        Assert.DoesNotContain(DissectStatus.Violation, driver.Statuses);
    }

    private static ConversationDriver Play(byte[] requests, byte[] responses, int requestSplit, int responseSplit) =>
        new ConversationDriver()
            .Send(Direction.ClientToServer, requests.AsSpan(0, requestSplit))
            .Send(Direction.ClientToServer, requests.AsSpan(requestSplit))
            .Send(Direction.ServerToClient, responses.AsSpan(0, responseSplit))
            .Send(Direction.ServerToClient, responses.AsSpan(responseSplit));

    private static string Summarise(ConversationDriver driver) =>
        string.Join('|', driver.Transactions.Select(t => string.Join(' ', new[]
        {
            t.Index.ToString(),
            t.Request!.Method,
            t.Request.Target,
            t.Request.Body is { } requestBody ? Encoding.ASCII.GetString(requestBody.Content) : null,
            t.InterimResponses.Count > 0 ? string.Join(',', [.. t.InterimResponses.Select(i => i.StatusCode), t.Response!.StatusCode]) : t.Response!.StatusCode.ToString(),
            Encoding.ASCII.GetString(t.Response.Body!.Content),
        }.Where(part => part is not null))));
}
