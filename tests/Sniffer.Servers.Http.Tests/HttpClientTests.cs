using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace Sniffer.Servers.Http.Tests;

/// <summary>The test server against .NET's own client, over real loopback sockets.</summary>
public sealed partial class HttpClientTests
{
    [Fact]
    public async Task PageReferencesItsObjectsAndTheTrackerPixel()
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions { PageObjects = 6 });
        using HttpClient client = TestClients.For(server);

        using HttpResponseMessage pageResponse = await client.GetAsync("/");
        string page = await pageResponse.Content.ReadAsStringAsync();

        string[] referenced = ObjectReference().Matches(page).Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(TestSite.ObjectNames.Take(6).Order(), referenced.Order());
        Assert.Contains($"src=\"{TestSite.TrackerPixelUrl}\"", page);
        // Made per visitor, so never stored; only the objects are offered to caches.
        Assert.True(pageResponse.Headers.CacheControl?.NoStore);
        foreach (string name in referenced)
        {
            using HttpResponseMessage response = await client.GetAsync($"/objects/{name}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Theory]
    [InlineData("style.css", "text/css", 5_000, 8_000)]
    [InlineData("app.js", "text/javascript", 38_000, 44_000)]
    [InlineData("logo.png", "image/png", 11_000, 14_000)]
    [InlineData("data.json", "application/json", 2_500, 4_000)]
    [InlineData("photo-2.jpg", "image/jpeg", 30_000, 32_000)]
    [InlineData("photo-5.jpg", "image/jpeg", 190_000, 200_000)]
    public async Task ObjectsHaveRealisticTypesAndSizes(string name, string mediaType, int atLeast, int atMost)
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions());
        using HttpClient client = TestClients.For(server, decompression: DecompressionMethods.None);

        using HttpResponseMessage response = await client.GetAsync($"/objects/{name}");
        byte[] body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.InRange(body.Length, atLeast, atMost);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.True(response.Headers.ETag is { IsWeak: false }, "objects carry a strong ETag");
        Assert.NotNull(response.Content.Headers.LastModified);
        Assert.True(response.Headers.CacheControl?.NoCache, "objects must be revalidated before reuse");
    }

    [Fact]
    public async Task LogoIsAPngWithValidChunks()
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions());
        using HttpClient client = TestClients.For(server);

        byte[] png = await client.GetByteArrayAsync("/objects/logo.png");

        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], png[..8]);
        var chunks = PngChunks.Read(png);
        Assert.Equal(["IHDR", "IDAT", "IEND"], chunks.Select(c => c.Type));
        Assert.All(chunks, chunk => Assert.True(chunk.CrcMatches, $"{chunk.Type} CRC"));
        // 64×64 RGB: each scanline is a filter byte and 192 bytes of pixels.
        using var inflater = new ZLibStream(new MemoryStream(chunks[1].Data), CompressionMode.Decompress);
        using var pixels = new MemoryStream();
        inflater.CopyTo(pixels);
        Assert.Equal(64 * (1 + 64 * 3), pixels.Length);
    }

    [Fact]
    public async Task RevalidationWithIfNoneMatchGets304WithValidatorsAndNoBody()
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions());
        using HttpClient client = TestClients.For(server);
        using HttpResponseMessage first = await client.GetAsync("/objects/photo-1.jpg");

        using HttpResponseMessage second = await client.SendAsync(IfNoneMatch("/objects/photo-1.jpg", first.Headers.ETag!));

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
        Assert.Equal(first.Content.Headers.LastModified, second.Content.Headers.LastModified);
        Assert.True(second.Headers.CacheControl?.NoCache);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task RevalidationWithIfModifiedSinceGets304OnlyWhenNothingChangedSince()
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions());
        using HttpClient client = TestClients.For(server);
        using HttpResponseMessage first = await client.GetAsync("/objects/data.json");
        DateTimeOffset lastModified = first.Content.Headers.LastModified!.Value;

        using HttpResponseMessage same = await client.SendAsync(IfModifiedSince("/objects/data.json", lastModified));
        using HttpResponseMessage earlier = await client.SendAsync(IfModifiedSince("/objects/data.json", lastModified.AddSeconds(-1)));

        Assert.Equal(HttpStatusCode.NotModified, same.StatusCode);
        Assert.Equal(HttpStatusCode.OK, earlier.StatusCode);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await earlier.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task IfNoneMatchTakesPrecedenceOverIfModifiedSince()
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions());
        using HttpClient client = TestClients.For(server);
        using HttpResponseMessage first = await client.GetAsync("/objects/logo.png");

        // The date alone would give a 304; the entity tag names another version, so the answer is the object.
        using HttpRequestMessage request = IfModifiedSince("/objects/logo.png", first.Content.Headers.LastModified!.Value);
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"some-other-version\""));
        using HttpResponseMessage response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task WeakComparisonMatchesAWeakFormOfTheTag()
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions());
        using HttpClient client = TestClients.For(server);
        using HttpResponseMessage first = await client.GetAsync("/objects/logo.png");

        using HttpResponseMessage response = await client.SendAsync(IfNoneMatch("/objects/logo.png",
            new EntityTagHeaderValue("\"unrelated\""), new EntityTagHeaderValue(first.Headers.ETag!.Tag, isWeak: true)));

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }

    [Fact]
    public async Task ChangedObjectGets200WithANewETagOnRevalidation()
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions());
        using HttpClient client = TestClients.For(server);
        using HttpResponseMessage first = await client.GetAsync("/objects/style.css");
        byte[] firstBody = await first.Content.ReadAsByteArrayAsync();

        using HttpResponseMessage change = await client.PostAsync("/objects/style.css/change", null);
        using HttpResponseMessage second = await client.SendAsync(IfNoneMatch("/objects/style.css", first.Headers.ETag!));

        Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.NotEqual(first.Headers.ETag, second.Headers.ETag);
        Assert.True(second.Content.Headers.LastModified > first.Content.Headers.LastModified);
        Assert.NotEqual(firstBody, await second.Content.ReadAsByteArrayAsync());
        // And the old Last-Modified no longer passes for current.
        using HttpResponseMessage byDate = await client.SendAsync(IfModifiedSince("/objects/style.css", first.Content.Headers.LastModified!.Value));
        Assert.Equal(HttpStatusCode.OK, byDate.StatusCode);
    }

    [Fact]
    public async Task TwoChangesInOneSecondGiveTwoLastModifiedsNeitherInTheFuture()
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions());
        using HttpClient client = TestClients.For(server);
        var lastModified = new List<DateTimeOffset>();
        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage change = await client.PostAsync("/objects/data.json/change", null);
            Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);
            using HttpResponseMessage current = await client.GetAsync("/objects/data.json");
            // RFC 9110 §8.8.2.1: never later than the response's own Date.
            Assert.True(current.Content.Headers.LastModified <= current.Headers.Date, $"{current.Content.Headers.LastModified} after {current.Headers.Date}");
            lastModified.Add(current.Content.Headers.LastModified!.Value);
            // Revalidating by date right after the change is a 304: the date the client holds is current.
            using HttpResponseMessage byDate = await client.SendAsync(IfModifiedSince("/objects/data.json", lastModified[^1]));
            Assert.Equal(HttpStatusCode.NotModified, byDate.StatusCode);
        }
        Assert.Equal(lastModified.Count, lastModified.Distinct().Count());
    }

    [Theory]
    [InlineData("gzip", "/objects/app.js")]
    [InlineData("br", "/objects/app.js")]
    [InlineData("gzip", "/objects/data.json")]
    [InlineData("br", "/")]
    public async Task CompressedBodiesDecodeToTheIdentityBytes(string coding, string path)
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions());
        using HttpClient raw = TestClients.For(server, decompression: DecompressionMethods.None);
        using HttpClient decompressing = TestClients.For(server);
        using HttpResponseMessage identity = await raw.GetAsync(path);
        byte[] identityBytes = await identity.Content.ReadAsByteArrayAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(coding));
        using HttpResponseMessage encoded = await raw.SendAsync(request);
        byte[] encodedBytes = await encoded.Content.ReadAsByteArrayAsync();
        byte[] automatic = await decompressing.GetByteArrayAsync(path);

        Assert.Equal([coding], encoded.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", encoded.Headers.Vary);
        Assert.True(encodedBytes.Length < identityBytes.Length / 2, $"{coding} shrinks text: {encodedBytes.Length} of {identityBytes.Length}");
        Assert.Equal(identityBytes, Decode(coding, encodedBytes));
        Assert.Equal(identityBytes, automatic);
        // RFC 9110 §8.8.3: each content coding is a representation with its own entity tag (the page has none).
        Assert.Equal(identity.Headers.ETag is null, encoded.Headers.ETag is null);
        Assert.True(identity.Headers.ETag is null || !identity.Headers.ETag.Equals(encoded.Headers.ETag));
    }

    [Fact]
    public async Task BrotliIsPreferredAndEachCodingRevalidatesAgainstItsOwnTag()
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions());
        using HttpClient client = TestClients.For(server);
        using HttpResponseMessage first = await client.GetAsync("/objects/style.css");
        using HttpClient raw = TestClients.For(server, decompression: DecompressionMethods.None);

        using HttpRequestMessage withBrTag = IfNoneMatch("/objects/style.css", first.Headers.ETag!);
        withBrTag.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, br");
        using HttpResponseMessage sameCoding = await raw.SendAsync(withBrTag);
        using HttpResponseMessage otherCoding = await raw.SendAsync(IfNoneMatch("/objects/style.css", first.Headers.ETag!));

        Assert.EndsWith("-br\"", first.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.NotModified, sameCoding.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherCoding.StatusCode);
        Assert.Empty(otherCoding.Content.Headers.ContentEncoding);
    }

    [Theory]
    [InlineData("/objects/photo-3.jpg", 120_000)] // compressed already
    [InlineData("/status/404", 14)] // smaller than gzip's own framing
    public async Task ImagesAndTinyBodiesAreNotCompressed(string path, int length)
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions());
        using HttpClient raw = TestClients.For(server, decompression: DecompressionMethods.None);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, br");

        using HttpResponseMessage response = await raw.SendAsync(request);

        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal(length, (await response.Content.ReadAsByteArrayAsync()).Length);
    }

    [Fact]
    public async Task ChunkedResponseHasNoContentLengthAndArrivesWhole()
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions());
        using HttpClient client = TestClients.For(server);

        using HttpResponseMessage response = await client.GetAsync("/chunked", HttpCompletionOption.ResponseHeadersRead);
        // Read before the body: once buffered, HttpClient reports the length it counted.
        Assert.Null(response.Content.Headers.ContentLength);
        string body = await response.Content.ReadAsStringAsync();

        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.True(response.Headers.CacheControl?.NoStore);
        string[] lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        Assert.StartsWith("chunk 5 of 5: eeeee", lines[4]);
    }

    [Fact]
    public async Task SiteSetsAFirstPartySessionCookieAndTheTrackerAThirdPartyOne()
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions());
        var cookies = new CookieContainer();
        using HttpClient client = TestClients.For(server, cookies);

        using HttpResponseMessage page = await client.GetAsync("/");
        using HttpResponseMessage pixel = await client.GetAsync(TestSite.TrackerPixelUrl);
        using HttpResponseMessage secondPage = await client.GetAsync("/");
        using HttpResponseMessage secondPixel = await client.GetAsync(TestSite.TrackerPixelUrl);

        Cookie session = Assert.Single(cookies.GetCookies(TestClients.Site));
        Assert.Equal(TestSite.SessionCookie, session.Name);
        Assert.True(session.HttpOnly);
        Cookie uid = Assert.Single(cookies.GetCookies(TestClients.Tracker));
        Assert.Equal(TestSite.TrackerCookie, uid.Name);
        Assert.Equal(TestSite.TrackerHost, uid.Domain.TrimStart('.'));
        Assert.True(uid.Expires > DateTime.Now.AddDays(360), "a year-long identifier");
        Assert.Equal("image/gif", pixel.Content.Headers.ContentType?.MediaType);
        Assert.Equal("GIF89a"u8.ToArray(), (await pixel.Content.ReadAsByteArrayAsync())[..6]);
        // A visitor who sends the cookie back is recognised, not given a new identity.
        Assert.False(secondPage.Headers.Contains("Set-Cookie"));
        Assert.False(secondPixel.Headers.Contains("Set-Cookie"));
        Assert.NotEqual(session.Value, uid.Value);
    }

    [Fact]
    public async Task RedirectsPointWhereTheContractSays()
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions());
        using HttpClient manual = TestClients.For(server, followRedirects: false);
        using HttpClient following = TestClients.For(server);

        using HttpResponseMessage found = await manual.GetAsync("/redirect");
        using HttpResponseMessage moved = await manual.GetAsync("/moved");
        using HttpResponseMessage followed = await following.GetAsync("/moved");

        Assert.Equal(HttpStatusCode.Found, found.StatusCode);
        Assert.Equal("/", found.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.MovedPermanently, moved.StatusCode);
        Assert.Equal("/objects/style.css", moved.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, followed.StatusCode);
        Assert.Equal("/objects/style.css", followed.RequestMessage?.RequestUri?.AbsolutePath);
    }

    [Fact]
    public async Task MultipartUploadListsEveryPartWithItsSha256()
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions());
        using HttpClient client = TestClients.For(server);
        byte[] binary = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 31)).ToArray();
        byte[] text = Encoding.UTF8.GetBytes("naïve text file\n");
        using var form = new MultipartFormDataContent
        {
            { new StringContent("holiday photos"), "description" },
            { new ByteArrayContent(binary) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } }, "file", "data.bin" },
            { new ByteArrayContent(text) { Headers = { ContentType = new MediaTypeHeaderValue("text/plain") } }, "file", "notes.txt" },
        };

        using HttpResponseMessage response = await client.PostAsync("/upload", form);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        UploadReport? report = await response.Content.ReadFromJsonAsync<UploadReport>();

        Assert.NotNull(report);
        Assert.Collection(report.Parts,
            part => Assert.Equal(new UploadedPart("description", null, "text/plain; charset=utf-8", 14, Sha256("holiday photos"u8.ToArray())), part),
            part => Assert.Equal(new UploadedPart("file", "data.bin", "application/octet-stream", binary.Length, Sha256(binary)), part),
            part => Assert.Equal(new UploadedPart("file", "notes.txt", "text/plain", text.Length, Sha256(text)), part));
    }

    [Fact]
    public async Task FormPostIsEchoedHtmlEscaped()
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions());
        using HttpClient client = TestClients.For(server);
        string form = await client.GetStringAsync("/form");

        using HttpResponseMessage response = await client.PostAsync("/form", new FormUrlEncodedContent(
        [
            KeyValuePair.Create("name", "Ada <b>Lovelace</b>"),
            KeyValuePair.Create("comment", "a & b \"quoted\""),
        ]));
        string echo = await response.Content.ReadAsStringAsync();

        Assert.Contains("<form method=\"post\" action=\"/form\">", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<dt>name</dt><dd>Ada &lt;b&gt;Lovelace&lt;/b&gt;</dd>", echo);
        Assert.Contains("<dd>a &amp; b &quot;quoted&quot;</dd>", echo);
        Assert.DoesNotContain("<b>", echo);
    }

    [Theory]
    [InlineData("/status/404", HttpStatusCode.NotFound)]
    [InlineData("/status/500", HttpStatusCode.InternalServerError)]
    [InlineData("/status/204", HttpStatusCode.NoContent)]
    [InlineData("/status/99", HttpStatusCode.BadRequest)]
    [InlineData("/status/abc", HttpStatusCode.BadRequest)]
    [InlineData("/objects/missing.css", HttpStatusCode.NotFound)]
    [InlineData("/nowhere", HttpStatusCode.NotFound)]
    public async Task StatusesAreTheOnesAskedFor(string path, HttpStatusCode expected)
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions());
        using HttpClient client = TestClients.For(server);

        using HttpResponseMessage response = await client.GetAsync(path);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task WrongMethodGets405WithAllow()
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions());
        using HttpClient client = TestClients.For(server);

        using HttpResponseMessage change = await client.GetAsync("/objects/style.css/change");
        using HttpResponseMessage post = await client.PostAsync("/objects/style.css", null);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, change.StatusCode);
        Assert.Equal(["POST"], change.Content.Headers.Allow);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal(["GET", "HEAD"], post.Content.Headers.Allow);
    }

    [Fact]
    public async Task NonLoopbackBindIsRefusedUnlessAllowed()
    {
        var options = new HttpTestServerOptions { Bind = IPAddress.Any };

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => HttpTestServer.StartAsync(options));

        Assert.Contains("AllowNonLoopback", refused.Message);
    }

    [Fact]
    public async Task BaseAddressAndEndPointNameTheChosenPort()
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions());

        Assert.Equal(IPAddress.Loopback, server.EndPoint.Address);
        Assert.NotEqual(0, server.EndPoint.Port);
        Assert.Equal($"http://127.0.0.1:{server.EndPoint.Port}/", server.BaseAddress.ToString());
    }

    private static HttpRequestMessage IfNoneMatch(string path, params EntityTagHeaderValue[] tags)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (EntityTagHeaderValue tag in tags) request.Headers.IfNoneMatch.Add(tag);
        return request;
    }

    private static HttpRequestMessage IfModifiedSince(string path, DateTimeOffset since)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.IfModifiedSince = since;
        return request;
    }

    private static byte[] Decode(string coding, byte[] encoded)
    {
        using Stream decoder = coding == "br"
            ? new BrotliStream(new MemoryStream(encoded), CompressionMode.Decompress)
            : new GZipStream(new MemoryStream(encoded), CompressionMode.Decompress);
        using var decoded = new MemoryStream();
        decoder.CopyTo(decoded);
        return decoded.ToArray();
    }

    private static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    [GeneratedRegex("\"/objects/([^\"]+)\"")]
    private static partial Regex ObjectReference();
}
