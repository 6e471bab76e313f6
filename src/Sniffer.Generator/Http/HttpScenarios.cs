using System.Net.Http.Headers;
using System.Text;

namespace Sniffer.Generator.Http;

/// <summary>The HTTP scenarios. Each is a fresh browser (new cookie jar, new connections) loading the site.</summary>
internal static class HttpScenarios
{
    /// <summary>A real browser opens up to this many connections per host (the common limit since RFC 7230 dropped RFC 2616's 2).</summary>
    private const int BrowserConnectionsPerHost = 6;

    private static readonly int[] ErrorStatuses = [400, 403, 404, 410, 500, 503];

    private static readonly HashSet<string> TextExtensions = new(StringComparer.OrdinalIgnoreCase) { ".html", ".css", ".js", ".json", ".txt", ".svg", ".xml" };

    public static Task RunAsync(ScenarioContext context) => context.Scenario switch
    {
        Scenario.Persistent => PersistentAsync(context),
        Scenario.NonPersistent => NonPersistentAsync(context),
        Scenario.ConditionalGet => ConditionalGetAsync(context),
        Scenario.Cookies => CookiesAsync(context),
        Scenario.Compression => CompressionAsync(context),
        Scenario.Forms => FormsAsync(context),
        Scenario.Browser => BrowserAsync(context),
        _ => throw new ArgumentOutOfRangeException(nameof(context), context.Scenario, "not an HTTP scenario"),
    };

    /// <summary>Page and objects (in random order) on one keep-alive connection; then a redirect, a chunked body and an error on it, until the server closes it.</summary>
    private static async Task PersistentAsync(ScenarioContext context)
    {
        using HttpLane lane = NewLane(context);
        var agent = new UserAgent(context);
        string site = context.Options.SiteHost;
        Page page = await LoadPageAsync(agent, lane);
        foreach (Uri item in Shuffled(context.Random, page.SiteObjects)) await agent.SendAsync(lane, HttpRequestPlan.Get(site, item.PathAndQuery));

        HttpOutcome redirect = await agent.SendAsync(lane, HttpRequestPlan.Get(site, "/redirect", 302));
        if (redirect.Location is { } target) await agent.SendAsync(lane, HttpRequestPlan.Get(target.Host, target.PathAndQuery));
        await agent.SendAsync(lane, HttpRequestPlan.Get(site, "/chunked"));
        int status = ErrorStatuses[context.Random.Next(ErrorStatuses.Length)];
        await agent.SendAsync(lane, HttpRequestPlan.Get(site, $"/status/{status}", status));
        await agent.SendAsync(lane, HttpRequestPlan.Get(site, "/close"));
    }

    /// <summary>The same page load with <c>Connection: close</c> on every request: one TCP connection per object (RFC 9112 §9.6).</summary>
    private static async Task NonPersistentAsync(ScenarioContext context)
    {
        using HttpLane lane = NewLane(context);
        var agent = new UserAgent(context);
        string site = context.Options.SiteHost;
        Page page = await LoadPageAsync(agent, lane, connectionClose: true);
        foreach (Uri item in Shuffled(context.Random, page.SiteObjects))
            await agent.SendAsync(lane, HttpRequestPlan.Get(site, item.PathAndQuery) with { ConnectionClose = true });
    }

    /// <summary>
    /// Download, revalidate with both validators (304), revalidate another object with If-Modified-Since only (304),
    /// change the first object on the server, revalidate it (200 and a new ETag), revalidate with the new ETag (304).
    /// </summary>
    private static async Task ConditionalGetAsync(ScenarioContext context)
    {
        using HttpLane lane = NewLane(context);
        var agent = new UserAgent(context);
        string site = context.Options.SiteHost;
        Page page = await LoadPageAsync(agent, lane);
        Uri[] candidates = Shuffled(context.Random, page.SiteObjects);
        if (candidates.Length == 0) return;

        string changed = candidates[0].PathAndQuery;
        HttpOutcome first = await agent.SendAsync(lane, HttpRequestPlan.Get(site, changed));
        await agent.SendAsync(lane, Revalidation(site, changed, first, 304));
        if (candidates.Length > 1)
        {
            string other = candidates[1].PathAndQuery;
            HttpOutcome otherFirst = await agent.SendAsync(lane, HttpRequestPlan.Get(site, other));
            await agent.SendAsync(lane, Revalidation(site, other, otherFirst, 304) with { IfNoneMatch = null });
        }
        await agent.SendAsync(lane, new HttpRequestPlan(HttpMethod.Post, site, $"{candidates[0].AbsolutePath}/change", 204));
        // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2), so a change within the same second still gives 200.
        HttpOutcome afterChange = await agent.SendAsync(lane, Revalidation(site, changed, first, 200));
        await agent.SendAsync(lane, Revalidation(site, changed, afterChange, 304) with { IfModifiedSince = null });
    }

    private static HttpRequestPlan Revalidation(string host, string path, HttpOutcome earlier, int expectedStatus) =>
        HttpRequestPlan.Get(host, path, expectedStatus) with { IfNoneMatch = earlier.Entry.ETag, IfModifiedSince = earlier.Entry.LastModified };

    /// <summary>
    /// The site's session cookie and the tracker's third-party <c>uid</c>: each is set once and then sent back
    /// only to the host that set it (RFC 6265 §5.4), across a second page view.
    /// </summary>
    private static async Task CookiesAsync(ScenarioContext context)
    {
        using HttpLane lane = NewLane(context);
        var agent = new UserAgent(context);
        string site = context.Options.SiteHost;
        for (int view = 0; view < 2; view++)
        {
            Page page = await LoadPageAsync(agent, lane);
            foreach (Uri item in Shuffled(context.Random, page.SiteObjects).Take(2)) await agent.SendAsync(lane, HttpRequestPlan.Get(site, item.PathAndQuery));
            foreach (Uri tracker in page.ThirdPartyObjects)
                await agent.SendAsync(lane, HttpRequestPlan.Get(tracker.Host, tracker.PathAndQuery) with { Referer = page.Address.AbsoluteUri });
        }
    }

    /// <summary>The page and an object asked for with gzip, with br and with identity only: three codings of the same bytes (RFC 9110 §12.5.3).</summary>
    private static async Task CompressionAsync(ScenarioContext context)
    {
        using HttpLane lane = NewLane(context);
        var agent = new UserAgent(context);
        string site = context.Options.SiteHost;
        Page page = await LoadPageAsync(agent, lane);
        // Servers compress text, not images that are compressed already.
        Uri[] texts = Shuffled(context.Random, [.. page.SiteObjects.Where(item => TextExtensions.Contains(Path.GetExtension(item.AbsolutePath)))]);
        foreach (string coding in new[] { "gzip", "br", "identity" })
        {
            await agent.SendAsync(lane, HttpRequestPlan.Get(site, "/") with { AcceptEncoding = coding });
            if (texts.Length > 0) await agent.SendAsync(lane, HttpRequestPlan.Get(site, texts[0].PathAndQuery) with { AcceptEncoding = coding });
        }
    }

    /// <summary>A form fetched and submitted (application/x-www-form-urlencoded) and a file uploaded (multipart/form-data, RFC 7578).</summary>
    private static async Task FormsAsync(ScenarioContext context)
    {
        using HttpLane lane = NewLane(context);
        var agent = new UserAgent(context);
        string site = context.Options.SiteHost;
        Random random = context.Random;
        await agent.SendAsync(lane, HttpRequestPlan.Get(site, "/form"));

        KeyValuePair<string, string>[] fields =
        [
            new("name", Words.Name(random)),
            new("comment", Words.Sentence(random, 4, 12)),
            new("rating", random.Next(1, 6).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ];
        await agent.SendAsync(lane, new HttpRequestPlan(HttpMethod.Post, site, "/form", 200) { Content = () => new FormUrlEncodedContent(fields) });

        byte[] file = new byte[random.Next(2_000, 40_000)];
        random.NextBytes(file);
        string fileName = $"upload-{random.Next(1000, 10000)}.bin";
        string boundary = $"sniffer-{random.NextInt64():x16}";
        string description = Words.Sentence(random, 3, 8);
        await agent.SendAsync(lane, new HttpRequestPlan(HttpMethod.Post, site, "/upload", 200)
        {
            Content = () =>
            {
                var form = new MultipartFormDataContent(boundary) { { new StringContent(description, Encoding.UTF8), "description" } };
                var part = new ByteArrayContent(file);
                part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                form.Add(part, "file", fileName);
                return form;
            },
        });
    }

    /// <summary>
    /// A browser's page load: the page on one connection, then its objects spread over up to six parallel
    /// keep-alive connections to the site and one to the tracker, accepting gzip and br.
    /// </summary>
    private static async Task BrowserAsync(ScenarioContext context)
    {
        var agent = new UserAgent(context, "gzip, br");
        var lanes = new List<HttpLane>();
        try
        {
            lanes.Add(NewLane(context));
            Page page = await LoadPageAsync(agent, lanes[0]);
            IReadOnlyList<Uri> objects = page.SiteObjects;
            int siteLanes = Math.Clamp(objects.Count, 1, BrowserConnectionsPerHost);
            while (lanes.Count < siteLanes) lanes.Add(NewLane(context));
            HttpLane trackerLane = NewLane(context);
            lanes.Add(trackerLane);

            // Objects go round-robin to the lanes, so which object goes on which connection depends only on the page;
            // each lane logs into its own list, appended in lane order, so the log does not depend on timing either.
            var queues = new List<(HttpLane Lane, List<Uri> Objects, List<HttpRequestEntry> Log)>();
            for (int i = 0; i < siteLanes; i++) queues.Add((lanes[i], [.. objects.Where((_, index) => index % siteLanes == i)], []));
            queues.Add((trackerLane, [.. page.ThirdPartyObjects], []));
            try
            {
                await Task.WhenAll(queues.Select(async queue =>
                {
                    foreach (Uri item in queue.Objects)
                        await agent.SendAsync(queue.Lane, HttpRequestPlan.Get(item.Host, item.PathAndQuery) with { Referer = page.Address.AbsoluteUri }, queue.Log);
                }));
            }
            finally
            {
                foreach (var queue in queues) foreach (HttpRequestEntry entry in queue.Log) context.Recorder.Add(entry);
            }
        }
        finally
        {
            foreach (HttpLane lane in lanes) lane.Dispose();
        }
    }

    private static HttpLane NewLane(ScenarioContext context) =>
        new(context.Servers.Http ?? throw new InvalidOperationException("no HTTP server"), context.Recorder, context.Options.RequestTimeout);

    private static async Task<Page> LoadPageAsync(UserAgent agent, HttpLane lane, bool connectionClose = false)
    {
        string site = agent.Context.Options.SiteHost;
        HttpOutcome outcome = await agent.SendAsync(lane, HttpRequestPlan.Get(site, "/") with { ConnectionClose = connectionClose });
        var address = new Uri($"http://{site}/");
        IReadOnlyList<Uri> objects = outcome.Entry.Status == 200 ? PageLinks.Objects(address, outcome.BodyStart) : [];
        return new Page(
            address,
            [.. objects.Where(item => string.Equals(item.Host, site, StringComparison.OrdinalIgnoreCase))],
            [.. objects.Where(item => !string.Equals(item.Host, site, StringComparison.OrdinalIgnoreCase))]);
    }

    private static Uri[] Shuffled(Random random, IReadOnlyList<Uri> items)
    {
        Uri[] shuffled = [.. items];
        random.Shuffle(shuffled);
        return shuffled;
    }

    private sealed record Page(Uri Address, IReadOnlyList<Uri> SiteObjects, IReadOnlyList<Uri> ThirdPartyObjects);
}
