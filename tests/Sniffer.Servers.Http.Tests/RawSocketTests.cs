using System.Net;
using System.Text;
using Xunit;

namespace Sniffer.Servers.Http.Tests;

/// <summary>Connection-level behaviour, seen from a socket that writes requests byte for byte.</summary>
public sealed class RawSocketTests
{
    [Fact]
    public async Task PipelinedRequestsAreAnsweredInOrder()
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions());
        using var connection = RawHttpConnection.Open(server.EndPoint);

        // Two requests in one write: the server must answer them one after the other (RFC 9112 §9.3.2).
        connection.Send(
            RawHttpConnection.Request("GET", "/objects/data.json") +
            RawHttpConnection.Request("GET", "/objects/style.css"));
        RawResponse first = connection.ReadResponse();
        RawResponse second = connection.ReadResponse();

        Assert.Equal(200, first.Status);
        Assert.StartsWith("application/json", first.Header("Content-Type"));
        Assert.StartsWith("{\"name\":\"data.json\"", Encoding.UTF8.GetString(first.Body));
        Assert.Equal(200, second.Status);
        Assert.StartsWith("text/css", second.Header("Content-Type"));
        Assert.StartsWith("/* style.css", Encoding.UTF8.GetString(second.Body));
    }

    [Fact]
    public async Task KeepAliveIsTheDefault()
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions());
        using var connection = RawHttpConnection.Open(server.EndPoint);

        connection.Send(RawHttpConnection.Request("GET", "/objects/logo.png"));
        RawResponse first = connection.ReadResponse();
        connection.Send(RawHttpConnection.Request("GET", "/objects/logo.png"));
        RawResponse second = connection.ReadResponse();

        Assert.Equal(200, first.Status);
        Assert.Null(first.Header("Connection"));
        Assert.Equal(first.Body, second.Body);
    }

    [Fact]
    public async Task ConnectionCloseResponseClosesTheSocket()
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions());
        using var connection = RawHttpConnection.Open(server.EndPoint);

        connection.Send(RawHttpConnection.Request("GET", "/close"));
        RawResponse response = connection.ReadResponse();

        Assert.Equal(200, response.Status);
        Assert.Equal("close", response.Header("Connection"));
        Assert.True(connection.ServerClosed(), "the server closes the connection after /close");
    }

    [Fact]
    public async Task ClientConnectionCloseIsHonoured()
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions());
        using var connection = RawHttpConnection.Open(server.EndPoint);

        connection.Send(RawHttpConnection.Request("GET", "/objects/style.css", "Connection: close"));
        RawResponse response = connection.ReadResponse();

        Assert.Equal(200, response.Status);
        Assert.True(connection.ServerClosed(), "the server closes after answering a request that asked it to");
    }

    [Fact]
    public async Task HeadHasTheLengthOfTheGetAndNoBody()
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions());
        using var connection = RawHttpConnection.Open(server.EndPoint);

        connection.Send(RawHttpConnection.Request("HEAD", "/objects/photo-2.jpg"));
        RawResponse head = connection.ReadResponse(toHead: true);
        // If the HEAD response had carried a body, it would be read here as the next status line and fail.
        connection.Send(RawHttpConnection.Request("GET", "/objects/photo-2.jpg"));
        RawResponse get = connection.ReadResponse();

        Assert.Equal(200, head.Status);
        Assert.Equal("31000", head.Header("Content-Length"));
        Assert.Equal(get.Header("ETag"), head.Header("ETag"));
        Assert.Equal(31_000, get.Body.Length);
    }

    [Fact]
    public async Task UnknownHostGetsTheSiteAndTheTrackerServesOnlyItsPixel()
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions());
        using var connection = RawHttpConnection.Open(server.EndPoint);

        connection.Send(RawHttpConnection.Request("GET", "/objects/logo.png", "Host: somewhere.example"));
        RawResponse unknownHost = connection.ReadResponse();
        connection.Send(RawHttpConnection.Request("GET", "/objects/logo.png", "Host: ads.tracker.test"));
        RawResponse trackerObject = connection.ReadResponse();
        connection.Send(RawHttpConnection.Request("GET", "/pixel.gif", "Host: ADS.Tracker.test:8080"));
        RawResponse pixel = connection.ReadResponse();

        Assert.Equal(200, unknownHost.Status);
        Assert.Equal(404, trackerObject.Status);
        Assert.Equal(200, pixel.Status);
        Assert.Equal("uid=", pixel.Header("Set-Cookie")?[..4]);
        Assert.Contains("; Domain=ads.tracker.test; Path=/; Max-Age=31536000; SameSite=None", pixel.Header("Set-Cookie"));
    }

    [Fact]
    public async Task NotModifiedCarriesValidatorsAndNoBody()
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions());
        using var connection = RawHttpConnection.Open(server.EndPoint);
        connection.Send(RawHttpConnection.Request("GET", "/objects/app.js", "Accept-Encoding: gzip"));
        RawResponse first = connection.ReadResponse();

        connection.Send(RawHttpConnection.Request("GET", "/objects/app.js", "Accept-Encoding: gzip", $"If-None-Match: {first.Header("ETag")}"));
        RawResponse notModified = connection.ReadResponse();
        // The connection stays usable: the 304 had no body to misframe.
        connection.Send(RawHttpConnection.Request("GET", "/status/404"));
        RawResponse next = connection.ReadResponse();

        Assert.Equal("gzip", first.Header("Content-Encoding"));
        Assert.Equal(304, notModified.Status);
        Assert.Equal(first.Header("ETag"), notModified.Header("ETag"));
        Assert.Equal(first.Header("Last-Modified"), notModified.Header("Last-Modified"));
        Assert.Equal("no-cache", notModified.Header("Cache-Control"));
        Assert.Equal("Accept-Encoding", notModified.Header("Vary"));
        Assert.Null(notModified.Header("Content-Length"));
        Assert.Equal(404, next.Status);
    }

    [Fact]
    public async Task ListensOnIPv6LoopbackToo()
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions { Bind = IPAddress.IPv6Loopback });
        using var connection = RawHttpConnection.Open(server.EndPoint);

        connection.Send(RawHttpConnection.Request("GET", "/objects/data.json"));
        RawResponse response = connection.ReadResponse();

        Assert.Equal($"http://[::1]:{server.EndPoint.Port}/", server.BaseAddress.ToString());
        Assert.Equal(200, response.Status);
    }
}
