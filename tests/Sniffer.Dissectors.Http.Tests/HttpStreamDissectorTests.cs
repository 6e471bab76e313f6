using System.Text;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Dissectors.Http.Records;
using Sniffer.Dissectors.Http.Tests.Support;
using Xunit;

namespace Sniffer.Dissectors.Http.Tests;

/// <summary>Whole conversations through the dissector, each in several chunk sizes (1 byte included).</summary>
public class HttpStreamDissectorTests
{
    public static TheoryData<int> ChunkSizes => [1, 7, int.MaxValue];

    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public void PipelinedRequestsPairWithResponsesInOrder(int chunkSize)
    {
        var driver = new ConversationDriver(chunkSize)
            .Client("GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\nPOST /c HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nxyz")
            .Server("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA")
            .Server("HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nBB")
            .Server("HTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\nCCC");

        Assert.Collection(driver.Transactions,
            t => AssertPair(t, 1, "/a", 200, "A"),
            t => AssertPair(t, 2, "/b", 404, "BB"),
            t => AssertPair(t, 3, "/c", 201, "CCC"));
        Assert.Equal("xyz", Text(driver.Transactions[2].Request!.Body!));
        Assert.Empty(driver.Anomalies);
    }

    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public void KeepAliveExchangesAreNumberedAndTimed(int chunkSize)
    {
        var driver = new ConversationDriver(chunkSize)
            .At(1_000).Client("GET /first HTTP/1.1\r\nHost: h\r\n\r\n")
            .At(5_000).Server("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n")
            .At(6_000).Server("hello")
            .At(10_000).Client("GET /second HTTP/1.1\r\nHost: h\r\n\r\n")
            .At(12_000).Server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        HttpTransaction first = driver.Transactions[0];
        Assert.Equal((1, 2), (first.Index, driver.Transactions[1].Index));
        Assert.Equal(1_000, first.TimeNs);
        Assert.Equal((1_000L, 1_000L, 5_000L, 6_000L),
            (first.Timings.RequestStartNs, first.Timings.RequestEndNs, first.Timings.ResponseStartNs, first.Timings.ResponseEndNs));
        Assert.Equal((0L, 4_000L, 1_000L), (first.Timings.SendNs, first.Timings.WaitNs, first.Timings.ReceiveNs));
        Assert.Equal(12_000, driver.Transactions[1].Timings.ResponseEndNs);
    }

    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public void ChunkedBodyWithExtensionsAndTrailers(int chunkSize)
    {
        var driver = new ConversationDriver(chunkSize)
            .Client("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            .Server("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: Checksum\r\n\r\n"
                    + "5;name=value\r\nhello\r\n7\r\n, world\r\n0;last\r\nChecksum: abc\r\nX-More: 1\r\n\r\n")
            .Client("GET /next HTTP/1.1\r\nHost: h\r\n\r\n")
            .Server("HTTP/1.1 204 No Content\r\n\r\n");

        HttpBody body = driver.Transactions[0].Response!.Body!;
        Assert.Equal(HttpBodyFraming.Chunked, body.Framing);
        Assert.Equal("hello, world", Text(body));
        Assert.Equal(12, body.EncodedLength);
        Assert.Equal(3, body.ChunkCount);
        Assert.Equal(["name=value", "last"], body.ChunkExtensions);
        Assert.Equal([new HttpHeader("Checksum", "abc"), new HttpHeader("X-More", "1")], body.Trailers);
        Assert.Equal(204, driver.Transactions[1].Response!.StatusCode);
    }

    [Theory]
    [InlineData("gzip", new[] { "gzip" })]
    [InlineData("deflate", new[] { "deflate-zlib" })]
    [InlineData("deflate", new[] { "deflate-raw" })]
    [InlineData("br", new[] { "br" })]
    [InlineData("gzip, br", new[] { "gzip", "br" })]
    [InlineData("deflate, gzip", new[] { "deflate-zlib", "gzip" })]
    public void DecodesContentCodingsWhileStreaming(string contentEncoding, string[] applied)
    {
        byte[] original = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 2000).Select(i => $"line {i} of the page\n")));
        byte[] coded = Codings.Encode(original, applied);

        foreach (int chunkSize in new[] { 1, 100, int.MaxValue })
        {
            var driver = new ConversationDriver(chunkSize)
                .Client("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
                .Server($"HTTP/1.1 200 OK\r\nContent-Encoding: {contentEncoding}\r\nContent-Length: {coded.Length}\r\n\r\n")
                .Send(Direction.ServerToClient, coded);

            HttpBody body = driver.Transactions.Single().Response!.Body!;
            Assert.Null(body.DecodeError);
            Assert.Equal(coded.Length, body.EncodedLength);
            Assert.Equal(original.Length, body.DecodedLength);
            Assert.Equal(original, body.Content);
            Assert.Equal(Codings.Sha256Hex(original), body.Sha256);
            Assert.Equal(contentEncoding.Split(", "), body.ContentEncodings);
        }
    }

    public static TheoryData<DissectorSettings> BombGuards =>
    [
        DissectorSettings.Default with { MaxBodyBytes = 1024 * 1024 },
        DissectorSettings.Default with { MaxBodyBytes = 1024 * 1024, MaxDecompressionRatio = 100 },
        DissectorSettings.Default with { MaxBodyBytes = 1024 * 1024, MaxDecompressedBytes = 8 * 1024 * 1024 },
    ];

    [Theory]
    [MemberData(nameof(BombGuards))]
    public void GzipBombIsStoppedWithBoundedMemory(DissectorSettings settings)
    {
        byte[] coded = Codings.Encode(new byte[256 * 1024 * 1024], "gzip");
        var driver = new ConversationDriver(64 * 1024, settings).Client("GET /bomb HTTP/1.1\r\nHost: h\r\n\r\n");

        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        driver.Server($"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {coded.Length}\r\n\r\n")
            .Send(Direction.ServerToClient, coded);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        HttpBody body = driver.Transactions.Single().Response!.Body!;
        Assert.True(body.DecompressionBomb);
        Assert.StartsWith("decompression bomb guard", body.DecodeError);
        Assert.Equal(settings.MaxBodyBytes, body.Content.Length);
        Assert.True(body.DecodedLength < 16 * 1024 * 1024, $"decoded {body.DecodedLength}");
        Assert.Equal(coded.Length, body.EncodedLength);
        Assert.Contains(driver.Anomalies, a => a.Kind == HttpAnomalyKinds.DecompressionBomb);
        Assert.True(allocated < 32 * 1024 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void BodyOverTheCapKeepsItsHeadButHashesTheWhole()
    {
        byte[] original = new byte[5000];
        new Random(42).NextBytes(original);
        var driver = new ConversationDriver(333, DissectorSettings.Default with { MaxBodyBytes = 1000 })
            .Client("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            .Server("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 5000\r\n\r\n")
            .Send(Direction.ServerToClient, original);

        HttpBody body = driver.Transactions.Single().Response!.Body!;
        Assert.Equal(original[..1000], body.Content);
        Assert.True(body.ContentTruncated);
        Assert.Equal(5000, body.DecodedLength);
        Assert.Equal(Codings.Sha256Hex(original), body.Sha256);
        Assert.Equal("application/octet-stream", body.MediaType);
    }

    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public void HeadResponseContentLengthIsNotABody(int chunkSize)
    {
        var driver = new ConversationDriver(chunkSize)
            .Client("HEAD /big HTTP/1.1\r\nHost: h\r\n\r\nGET /small HTTP/1.1\r\nHost: h\r\n\r\n")
            .Server("HTTP/1.1 200 OK\r\nContent-Length: 123456\r\n\r\n")
            .Server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

        Assert.Null(driver.Transactions[0].Response!.Body);
        Assert.Equal(123456, driver.Transactions[0].Caching.DeclaredContentLength);
        Assert.Equal("ok", Text(driver.Transactions[1].Response!.Body!));
    }

    [Theory]
    [InlineData("204 No Content")]
    [InlineData("304 Not Modified")]
    public void NoBodyFor204And304(string status)
    {
        var driver = new ConversationDriver(3)
            .Client("GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n")
            .Server($"HTTP/1.1 {status}\r\nContent-Length: 50\r\n\r\n")
            .Server("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext");

        Assert.Null(driver.Transactions[0].Response!.Body);
        Assert.Equal(50, driver.Transactions[0].Caching.DeclaredContentLength);
        Assert.Equal("next", Text(driver.Transactions[1].Response!.Body!));
    }

    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public void ContinueIsRecordedAsInterimNotPairedAsFinal(int chunkSize)
    {
        var driver = new ConversationDriver(chunkSize)
            .At(100).Client("PUT /upload HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
            .At(200).Server("HTTP/1.1 100 Continue\r\n\r\n")
            .At(300).Client("data")
            .At(400).Server("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");

        HttpTransaction transaction = driver.Transactions.Single();
        Assert.Equal(100, transaction.InterimResponses.Single().StatusCode);
        Assert.Equal(200, transaction.InterimResponses.Single().TimeNs);
        Assert.Equal(201, transaction.Response!.StatusCode);
        Assert.Equal("data", Text(transaction.Request!.Body!));
        Assert.Equal((300L, 200L), (transaction.Timings.RequestEndNs!.Value, transaction.Timings.ResponseStartNs!.Value));
    }

    [Fact]
    public void ContentLengthWithTransferEncodingIsASmugglingAnomalyAndChunkedWins()
    {
        var driver = new ConversationDriver()
            .Client("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n")
            .Server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        Assert.Equal("abc", Text(driver.Transactions[0].Request!.Body!));
        Assert.Equal("/smuggled", driver.Transactions[1].Request!.Target);
        Assert.Contains(driver.Anomalies, a => a.Kind == HttpAnomalyKinds.ContentLengthWithTransferEncoding);
    }

    [Theory]
    [InlineData("Content-Length: 5\r\nContent-Length: 6\r\n", HttpAnomalyKinds.ConflictingContentLengths)]
    [InlineData("Content-Length: -1\r\n", HttpAnomalyKinds.InvalidContentLength)]
    [InlineData("Transfer-Encoding: gzip\r\n", HttpAnomalyKinds.UnsupportedTransferEncoding)]
    public void UnknowableRequestFramingIsAViolation(string fields, string kind)
    {
        var driver = new ConversationDriver().Client($"POST / HTTP/1.1\r\nHost: h\r\n{fields}\r\n");

        Assert.Equal(DissectStatus.Violation, driver.Statuses[^1]);
        Assert.Equal(kind, driver.Anomalies.Single().Kind);
    }

    [Fact]
    public void RepeatedIdenticalContentLengthIsAccepted()
    {
        var driver = new ConversationDriver()
            .Client("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            .Server("HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok");

        Assert.Equal("ok", Text(driver.Transactions.Single().Response!.Body!));
        Assert.Equal(HttpAnomalyKinds.RepeatedContentLength, driver.Anomalies.Single().Kind);
    }

    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public void ConnectTunnelIsAHandOff(int chunkSize)
    {
        var driver = new ConversationDriver(chunkSize)
            .Client("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n\u0016\u0003\u0001 tls hello")
            .Server("HTTP/1.1 200 Connection Established\r\n\r\n");
        Assert.Equal(DissectStatus.HandOff, driver.Statuses[^1]);
        driver.Client("more tls");

        HttpTransaction transaction = driver.Transactions.Single();
        Assert.Equal(HttpHandOff.ConnectTunnel, transaction.HandOff);
        Assert.Equal("example.com:443", transaction.HandOffTarget);
        Assert.Equal(HttpTargetForm.Authority, transaction.Request!.TargetForm);
        Assert.Equal(DissectStatus.HandOff, driver.Statuses[^1]);
        Assert.Equal("example.com:443", transaction.Host);
    }

    [Fact]
    public void RefusedConnectKeepsSpeakingHttp()
    {
        var driver = new ConversationDriver()
            .Client("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
            .Server("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n")
            .Client("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nProxy-Authorization: Basic dTpw\r\n\r\n")
            .Server("HTTP/1.1 200 OK\r\n\r\n");

        Assert.Equal([HttpHandOff.None, HttpHandOff.ConnectTunnel], driver.Transactions.Select(t => t.HandOff));
        Assert.Equal("u", driver.Transactions[1].Credentials!.UserName);
    }

    [Theory]
    [InlineData("websocket", HttpHandOff.WebSocket)]
    [InlineData("h2c", HttpHandOff.H2c)]
    public void SwitchingProtocolsIsAHandOff(string protocol, HttpHandOff expected)
    {
        var driver = new ConversationDriver(5)
            .Client($"GET /chat HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: {protocol}\r\n\r\n")
            .Server($"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: {protocol}\r\n\r\n\u0081\u0005hello");

        HttpTransaction transaction = driver.Transactions.Single();
        Assert.Equal(expected, transaction.HandOff);
        Assert.Equal(protocol, transaction.HandOffTarget);
        Assert.Equal(DissectStatus.HandOff, driver.Statuses[^1]);
        Assert.Equal(DissectStatus.HandOff, driver.Client("\u0081\u0085masked").Statuses[^1]);
    }

    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public void Http09SimpleRequestAndResponse(int chunkSize)
    {
        var driver = new ConversationDriver(chunkSize)
            .Client("GET /old.html\r\n")
            .Server("<html>old</html>")
            .EndBoth();

        HttpTransaction transaction = driver.Transactions.Single();
        Assert.Equal(("HTTP/0.9", "/old.html"), (transaction.Request!.Version, transaction.Request.Target));
        Assert.Equal(("HTTP/0.9", 0), (transaction.Response!.Version, transaction.Response.StatusCode));
        Assert.Equal("<html>old</html>", Text(transaction.Response.Body!));
    }

    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public void BodyUntilCloseEndsWithTheConnection(int chunkSize)
    {
        var driver = new ConversationDriver(chunkSize)
            .Client("GET / HTTP/1.0\r\n\r\n")
            .Server("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall of this\r\nuntil close");
        Assert.Empty(driver.Transactions);
        driver.End(Direction.ServerToClient);

        HttpBody body = driver.Transactions.Single().Response!.Body!;
        Assert.Equal(HttpBodyFraming.UntilClose, body.Framing);
        Assert.Equal("all of this\r\nuntil close", Text(body));
        Assert.False(body.Incomplete);
    }

    [Fact]
    public void GapInsideAContentLengthBodyIsCountedAndTheNextMessageFollows()
    {
        var driver = new ConversationDriver(10)
            .Client("GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n")
            .Server("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + new string('x', 30))
            .Gap(Direction.ServerToClient, 40)
            .Server(new string('y', 30) + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

        HttpBody first = driver.Transactions[0].Response!.Body!;
        Assert.True(first.Incomplete);
        Assert.Equal(40, first.MissingBytes);
        Assert.Equal(100, first.EncodedLength);
        Assert.Equal(60, first.Content.Length);
        Assert.Equal("ok", Text(driver.Transactions[1].Response!.Body!));
        Assert.Contains(driver.Anomalies, a => a.Kind == HttpAnomalyKinds.BodyGap);
    }

    [Fact]
    public void GapAcrossAChunkedBodyResynchronisesOnTheNextStatusLine()
    {
        var driver = new ConversationDriver(4)
            .Client("GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n")
            .Server("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123")
            .Gap(Direction.ServerToClient, 500)
            .Server("ef\r\n0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

        HttpTransaction first = driver.Transactions[0];
        Assert.True(first.Response!.Body!.Incomplete);
        Assert.False(first.Response.Complete);
        Assert.Equal("ok", Text(driver.Transactions[1].Response!.Body!));
        Assert.Contains(driver.Anomalies, a => a.Kind == HttpAnomalyKinds.Resynchronised && a.Detail.Contains("skipped 9 bytes"));
    }

    [Fact]
    public void GapBetweenRequestsResynchronisesOnTheNextRequestLine()
    {
        var driver = new ConversationDriver()
            .Client("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab")
            .Gap(Direction.ClientToServer, 100)
            .Client("garbage\r\nmore garbage\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n")
            .Server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        Assert.Equal(["/a", "/b"], driver.Transactions.Select(t => t.Request!.Target));
        Assert.False(driver.Transactions[0].Request!.Complete);
    }

    [Fact]
    public void CookiesAndSetCookieAttributes()
    {
        var driver = new ConversationDriver()
            .Client("GET / HTTP/1.1\r\nHost: shop.example\r\nCookie: sid=abc; theme=dark\r\nCookie: lang=en\r\nReferer: https://news.example/\r\nOrigin: https://news.example\r\n\r\n")
            .Server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"
                    + "Set-Cookie: id=a3fWa; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Secure; HttpOnly\r\n"
                    + "Set-Cookie: track=1; Domain=.ads.example; Path=/; Max-Age=3600; SameSite=None; Secure; Partitioned\r\n"
                    + "Set-Cookie: session=xyz\r\n\r\n");

        HttpTransaction transaction = driver.Transactions.Single();
        Assert.Equal([new HttpCookie("sid", "abc"), new HttpCookie("theme", "dark"), new HttpCookie("lang", "en")], transaction.Cookies);
        Assert.Equal(("https://news.example/", "https://news.example", "shop.example"), (transaction.Referer, transaction.Origin, transaction.Host));

        HttpSetCookie id = transaction.SetCookies[0];
        Assert.Equal(("id", "a3fWa", true, true), (id.Name, id.Value, id.Secure, id.HttpOnly));
        Assert.Equal(1445412480, id.ExpiresUnixSeconds);
        HttpSetCookie track = transaction.SetCookies[1];
        Assert.Equal(("ads.example", "/", 3600L, "None", true), (track.Domain, track.Path, track.MaxAgeSeconds!.Value, track.SameSite, track.Partitioned));
        Assert.True(transaction.SetCookies[2].IsSessionCookie);
    }

    [Fact]
    public void ConditionalGetsAreClassified()
    {
        var driver = new ConversationDriver()
            .Client("GET /logo.png HTTP/1.1\r\nHost: h\r\n\r\n")
            .Server("HTTP/1.1 200 OK\r\nETag: \"v1\"\r\nLast-Modified: Tue, 01 Jan 2030 00:00:00 GMT\r\nCache-Control: max-age=60\r\nContent-Length: 3\r\n\r\nPNG")
            .Client("GET /logo.png HTTP/1.1\r\nHost: h\r\nIf-None-Match: \"v1\"\r\n\r\n")
            .Server("HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nAge: 12\r\n\r\n")
            .Client("GET /news HTTP/1.1\r\nHost: h\r\nIf-Modified-Since: Tue, 01 Jan 2030 00:00:00 GMT\r\n\r\n")
            .Server("HTTP/1.1 200 OK\r\nLast-Modified: Wed, 02 Jan 2030 00:00:00 GMT\r\nContent-Length: 2\r\n\r\nv2")
            .Client("GET /no-validator HTTP/1.1\r\nHost: h\r\n\r\n")
            .Server("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx");

        IReadOnlyList<HttpTransaction> transactions = driver.Transactions;
        Assert.Equal([HttpRevalidation.Unconditional, HttpRevalidation.NotModified, HttpRevalidation.Changed, HttpRevalidation.Unconditional],
            transactions.Select(t => t.Caching.Revalidation));
        Assert.Equal(("\"v1\"", "max-age=60"), (transactions[0].Caching.ETag, transactions[0].Caching.CacheControl));
        Assert.Equal(("\"v1\"", 12L), (transactions[1].Caching.IfNoneMatch, transactions[1].Caching.AgeSeconds!.Value));
        Assert.Equal([false, false, false, true], transactions.Select(t => t.Caching.CacheableWithoutValidator));
    }

    [Theory]
    [InlineData(false, HttpCredentials.Mask)]
    [InlineData(true, "open sesame")]
    public void BasicCredentialsShowTheUserAndMaskThePassword(bool showSecrets, string expectedSecret)
    {
        string token = Convert.ToBase64String(Encoding.UTF8.GetBytes("aladdin:open sesame"));
        var driver = new ConversationDriver(settings: DissectorSettings.Default with { ShowSecrets = showSecrets })
            .Client($"GET /admin HTTP/1.1\r\nHost: h\r\nAuthorization: Basic {token}\r\n\r\n")
            .Server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        HttpCredentials credentials = driver.Transactions.Single().Credentials!;
        Assert.Equal(("Basic", "aladdin", expectedSecret), (credentials.Scheme, credentials.UserName, credentials.Secret));
    }

    [Fact]
    public void DigestAndBearerCredentials()
    {
        var driver = new ConversationDriver()
            .Client("GET /a HTTP/1.1\r\nHost: h\r\nAuthorization: Digest username=\"Mufasa\", realm=\"http-auth@example.org\", uri=\"/a\", response=\"x\"\r\n\r\n")
            .Client("GET /b HTTP/1.1\r\nHost: h\r\nProxy-Authorization: Bearer mF_9.B5f-4.1JqM\r\n\r\n")
            .Server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        HttpCredentials digest = driver.Transactions[0].Credentials!;
        Assert.Equal(("Digest", "Mufasa", "http-auth@example.org"), (digest.Scheme, digest.UserName, digest.Realm));
        HttpCredentials bearer = driver.Transactions[1].Credentials!;
        Assert.Equal(("Proxy-Authorization", "Bearer", HttpCredentials.Mask), (bearer.Header, bearer.Scheme, bearer.Secret));
    }

    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public void MultipartFormDataPartsAreListed(int chunkSize)
    {
        string body = "--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nHoliday\r\n"
                      + "--XyZ\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"beach.jpg\"\r\nContent-Type: image/jpeg\r\n\r\nJPEGDATA\r\n"
                      + "--XyZ--\r\n";
        var driver = new ConversationDriver(chunkSize)
            .Client($"POST /upload HTTP/1.1\r\nHost: h\r\nContent-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: {body.Length}\r\n\r\n{body}")
            .Server("HTTP/1.1 204 No Content\r\n\r\n");

        Assert.Equal(
            [new HttpMultipartPart("title", null, null, 7), new HttpMultipartPart("photo", "beach.jpg", "image/jpeg", 8)],
            driver.Transactions.Single().Request!.Body!.Parts);
    }

    [Fact]
    public void ABoundaryAfterThousandsOfParametersWithoutAValueIsFound()
    {
        // Each parameter is searched for its '=' alone: searching the rest of the field for each one made a
        // 30,000-byte "; a; a; a…" field cost time quadratic in its length.
        string valueless = string.Concat(Enumerable.Repeat("; a", 10_000));
        string body = "--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nHoliday\r\n--XyZ--\r\n";
        var driver = new ConversationDriver()
            .Client($"POST /upload HTTP/1.1\r\nHost: h\r\nContent-Type: multipart/form-data{valueless}; boundary=XyZ\r\nContent-Length: {body.Length}\r\n\r\n{body}")
            .Server("HTTP/1.1 204 No Content\r\n\r\n");

        Assert.Equal([new HttpMultipartPart("title", null, null, 7)], driver.Transactions.Single().Request!.Body!.Parts);
    }

    [Fact]
    public void ControlCharactersAreStoredRawButEscapedInAnomalies()
    {
        var driver = new ConversationDriver()
            .Client("POST / HTTP/1.1\r\nHost: h\r\nX-Evil: \u001b[2J\r\nContent-Length: 1\r\nTransfer-Encoding: \u001b[2J, chunked\r\n\r\n0\r\n\r\n")
            .Server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        Assert.Equal("\u001b[2J", driver.Transactions.Single().Request!.Headers.Single(h => h.Name == "X-Evil").Value);
        Assert.All(driver.Anomalies, a => Assert.DoesNotContain('\u001b', a.Detail));
        Assert.Contains(driver.Anomalies, a => a.Detail.Contains("\\x1b[2J"));
    }

    [Fact]
    public void AHugeHeaderLineIsAViolationWithBoundedBuffering()
    {
        var driver = new ConversationDriver(64 * 1024).Client("GET / HTTP/1.1\r\nX-Huge: ");
        byte[] chunk = new byte[64 * 1024];
        chunk.AsSpan().Fill((byte)'a');
        for (int sent = 0; sent < 10 * 1024 * 1024 && driver.Statuses[^1] != DissectStatus.Violation; sent += chunk.Length)
        {
            driver.Send(Direction.ClientToServer, chunk);
        }

        Assert.Equal(DissectStatus.Violation, driver.Statuses[^1]);
        Assert.True(driver.Pending(Direction.ClientToServer) <= DissectorSettings.Default.MaxLineBytes + 2 * chunk.Length);
        Assert.Equal(HttpAnomalyKinds.LineTooLong, driver.Anomalies.Single().Kind);
        Assert.True(driver.Anomalies.Single().Detail.Length < 300);
    }

    [Fact]
    public void LenientSyntaxIsAcceptedAndReportedOncePerKind()
    {
        var driver = new ConversationDriver()
            .Client("get /a HTTP/1.1\nHost: h\n\nget /b HTTP/1.1\nHost: h\n\n")
            .Server("HTTP/1.1 200 OK\nContent-Length: 0\n\nHTTP/1.1 200 OK\r\nFolded: a\r\n b\r\nContent-Length: 0\r\n\r\n");

        Assert.Equal(["get", "get"], driver.Transactions.Select(t => t.Request!.Method));
        Assert.Equal("a b", driver.Transactions[1].Response!.Headers.Single(h => h.Name == "Folded").Value);
        Assert.Equal(3, driver.Anomalies.Count(a => a.Kind == HttpAnomalyKinds.LenientSyntax));
    }

    [Fact]
    public void ResponseWithoutARequestIsKept()
    {
        var driver = new ConversationDriver().Server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");

        HttpTransaction transaction = driver.Transactions.Single();
        Assert.Null(transaction.Request);
        Assert.Equal("hi", Text(transaction.Response!.Body!));
        Assert.Equal(HttpAnomalyKinds.ResponseWithoutRequest, driver.Anomalies.Single().Kind);
    }

    [Fact]
    public void UnansweredRequestIsEmittedWhenTheServerSideEnds()
    {
        var driver = new ConversationDriver()
            .Client("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            .Server("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        Assert.Empty(driver.Transactions);
        driver.EndBoth();

        HttpBody body = driver.Transactions.Single().Response!.Body!;
        Assert.True(body.Incomplete);
        Assert.Equal(7, body.MissingBytes);
        Assert.Contains(driver.Anomalies, a => a.Kind == HttpAnomalyKinds.TruncatedMessage);
    }

    [Theory]
    [InlineData("http://example.com/x", HttpTargetForm.Absolute, "example.com")]
    [InlineData("*", HttpTargetForm.Asterisk, null)]
    [InlineData("/x", HttpTargetForm.Origin, null)]
    public void TargetForms(string target, HttpTargetForm form, string? host)
    {
        var driver = new ConversationDriver()
            .Client($"OPTIONS {target} HTTP/1.1\r\n\r\n")
            .Server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        HttpTransaction transaction = driver.Transactions.Single();
        Assert.Equal(form, transaction.Request!.TargetForm);
        Assert.Equal(host, transaction.Host);
    }

    private static void AssertPair(HttpTransaction transaction, int index, string target, int status, string body)
    {
        Assert.Equal(index, transaction.Index);
        Assert.Equal(target, transaction.Request!.Target);
        Assert.Equal(status, transaction.Response!.StatusCode);
        Assert.Equal(body, Text(transaction.Response.Body!));
    }

    private static string Text(HttpBody body) => Encoding.Latin1.GetString(body.Content);
}
