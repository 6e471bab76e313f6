using System.Net;
using Xunit;

namespace Sniffer.Generator.Tests;

/// <summary>The HTTP scenarios against the project's HTTP server: the log says what the server really did.</summary>
public sealed class HttpScenarioTests
{
    [Fact]
    public async Task NonPersistentOpensOneConnectionPerRequestAndPersistentOne()
    {
        await using var servers = await LoopbackServers.StartAsync();
        GeneratorLog log = await LoopbackServers.RunAsync(servers.Options(3, Scenario.NonPersistent, Scenario.Persistent));

        var nonPersistent = log.HttpRequests.Where(entry => entry.Scenario == Scenario.NonPersistent).ToList();
        Assert.True(nonPersistent.Count >= 5, $"only {nonPersistent.Count} non-persistent requests");
        Assert.All(nonPersistent, entry => Assert.True(entry.ConnectionClose));
        Assert.Equal(nonPersistent.Count, nonPersistent.Select(entry => entry.ClientPort).Distinct().Count());
        Assert.Equal(nonPersistent.Count, nonPersistent.Select(entry => entry.Connection).Distinct().Count());

        var persistent = log.HttpRequests.Where(entry => entry.Scenario == Scenario.Persistent).ToList();
        Assert.Single(persistent.Select(entry => entry.ClientPort).Distinct());
        Assert.Contains(persistent, entry => entry.Path == "/redirect" && entry.Status == 302);
        Assert.Equal(nonPersistent.Count + 1, log.Totals.HttpConnections);
        Assert.Equal(0, log.Totals.Errors);
    }

    [Fact]
    public async Task ConditionalGetLogsTheRevalidationsTheServerAnswered()
    {
        await using var servers = await LoopbackServers.StartAsync();
        GeneratorLog log = await LoopbackServers.RunAsync(servers.Options(5, Scenario.ConditionalGet));

        Assert.All(log.HttpRequests, entry => Assert.Equal(entry.ExpectedStatus, entry.Status));
        Assert.Equal(3, log.Totals.NotModified);
        Assert.Equal(1, log.Totals.ChangedAfterRevalidation);
        Assert.All(log.HttpRequests.Where(entry => entry.Status == 304), entry =>
        {
            Assert.True((entry.IfNoneMatch ?? entry.IfModifiedSince) is not null);
            Assert.Equal(0, entry.BodyLength);
        });

        // The server's object really changed: a plain GET now returns the ETag the log saw after the change.
        HttpRequestEntry change = Assert.Single(log.HttpRequests, entry => entry.Method == "POST");
        string path = change.Path[..^"/change".Length];
        var gets = log.HttpRequests.Where(entry => entry.Path == path && entry.Status == 200).ToList();
        Assert.Equal(2, gets.Count);
        Assert.NotEqual(gets[0].ETag, gets[1].ETag);
        Assert.NotEqual(gets[0].BodySha256, gets[1].BodySha256);
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(servers.Http.BaseAddress, path));
        request.Headers.Host = "www.sniffer.test";
        using HttpResponseMessage response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(gets[1].ETag, response.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task TrackerCookieIsSentBackToTheTrackerOnly()
    {
        await using var servers = await LoopbackServers.StartAsync();
        GeneratorLog log = await LoopbackServers.RunAsync(servers.Options(8, Scenario.Cookies));

        const string tracker = "ads.tracker.test";
        var toTracker = log.HttpRequests.Where(entry => entry.Host == tracker).ToList();
        var toSite = log.HttpRequests.Where(entry => entry.Host != tracker).ToList();
        Assert.Equal(2, toTracker.Count);
        Assert.Equal(["uid"], toTracker[0].SetCookies);
        Assert.Empty(toTracker[0].RequestCookies);
        Assert.Equal(["uid"], toTracker[1].RequestCookies);
        Assert.DoesNotContain(toSite, entry => entry.RequestCookies.Contains("uid"));
        Assert.Equal(["session"], toSite[0].SetCookies);
        Assert.All(toSite.Skip(1), entry => Assert.Contains("session", entry.RequestCookies));
        Assert.All(toTracker, entry => Assert.DoesNotContain("session", entry.RequestCookies));
    }

    [Fact]
    public async Task CompressionDecodesToTheSameBytesForEveryCoding()
    {
        await using var servers = await LoopbackServers.StartAsync();
        GeneratorLog log = await LoopbackServers.RunAsync(servers.Options(9, Scenario.Compression));

        var byCoding = log.HttpRequests.Where(entry => entry.AcceptEncoding is not null).GroupBy(entry => entry.Path).ToList();
        Assert.NotEmpty(byCoding);
        foreach (var resource in byCoding)
        {
            Assert.Equal(["gzip", "br", null], resource.Select(entry => entry.ContentEncoding));
            Assert.Single(resource.Select(entry => entry.BodySha256).Distinct());
        }
    }

    [Fact]
    public async Task BrowserSpreadsTheObjectsOverParallelConnections()
    {
        await using var servers = await LoopbackServers.StartAsync();
        GeneratorLog log = await LoopbackServers.RunAsync(servers.Options(4, Scenario.Browser));

        var site = log.HttpRequests.Where(entry => entry.Host == "www.sniffer.test").ToList();
        int siteConnections = site.Select(entry => entry.ClientPort).Distinct().Count();
        Assert.InRange(siteConnections, 2, 6);
        Assert.True(site.Count > siteConnections, "no connection carried more than one request");
        Assert.Contains(log.HttpRequests, entry => entry.Host == "ads.tracker.test" && entry.Status == 200);
        Assert.Equal(0, log.Totals.Errors);
    }

    [Fact]
    public async Task FormsPostUrlencodedAndMultipart()
    {
        await using var servers = await LoopbackServers.StartAsync();
        GeneratorLog log = await LoopbackServers.RunAsync(servers.Options(2, Scenario.Forms));

        Assert.Equal([("GET", "/form"), ("POST", "/form"), ("POST", "/upload")], log.HttpRequests.Select(entry => (entry.Method, entry.Path)));
        Assert.All(log.HttpRequests, entry => Assert.Equal(200, entry.Status));
    }
}
