using System.Diagnostics;
using System.Net.Http.Headers;
using Xunit;

namespace Sniffer.Servers.Http.Tests;

/// <summary>The server against curl, a client that shares no code with it or with .NET.</summary>
public sealed class CurlTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sniffer-curl-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [CurlFact]
    public async Task RevalidationWithTheETagGets304()
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions());
        using HttpClient client = TestClients.For(server);
        using HttpResponseMessage first = await client.GetAsync("/objects/photo-1.jpg");
        EntityTagHeaderValue etag = first.Headers.ETag!;

        string status = Curl.Run(server, "-s", "-o", "/dev/null", "-w", "%{http_code}",
            "-H", $"If-None-Match: {etag}", Url(server, "/objects/photo-1.jpg"));
        string changedStatus = Curl.Run(server, "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", Url(server, "/objects/photo-1.jpg/change"));
        string afterChange = Curl.Run(server, "-s", "-o", "/dev/null", "-w", "%{http_code}",
            "-H", $"If-None-Match: {etag}", Url(server, "/objects/photo-1.jpg"));

        Assert.Equal("304", status);
        Assert.Equal("204", changedStatus);
        Assert.Equal("200", afterChange);
    }

    [CurlFact]
    public async Task CompressedDownloadDecodesToTheIdentityBytes()
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions());
        string identity = Path.Combine(_directory, "identity.js");
        string decoded = Path.Combine(_directory, "decoded.js");
        string headers = Path.Combine(_directory, "headers.txt");

        Curl.Run(server, "-s", "-o", identity, Url(server, "/objects/app.js"));
        Curl.Run(server, "-s", "--compressed", "-D", headers, "-o", decoded, Url(server, "/objects/app.js"));

        string[] headerLines = File.ReadAllLines(headers);
        Assert.Contains(headerLines, line => line.StartsWith("Content-Encoding: ", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(File.ReadAllBytes(identity), File.ReadAllBytes(decoded));
        Assert.InRange(File.ReadAllBytes(decoded).Length, 38_000, 44_000);
    }

    [CurlFact]
    public async Task CookieJarHoldsTheSessionAndTheTrackerCookie()
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions());
        string jar = Path.Combine(_directory, "cookies.txt");

        Curl.Run(server, "-s", "-o", "/dev/null", "-o", "/dev/null", "-c", jar, "-b", jar,
            Url(server, "/"), Url(server, "/pixel.gif", TestSite.TrackerHost));

        // Netscape cookie file: domain, include-subdomains, path, secure, expiry, name, value; HttpOnly cookies are
        // marked by a "#HttpOnly_" prefix on the domain.
        string[][] cookies = File.ReadAllLines(jar)
            .Where(line => line.Length > 0 && (!line.StartsWith('#') || line.StartsWith("#HttpOnly_", StringComparison.Ordinal)))
            .Select(line => line.Split('\t'))
            .ToArray();
        Assert.Contains(cookies, c => c[0] == $"#HttpOnly_{TestSite.SiteHost}" && c[5] == TestSite.SessionCookie);
        Assert.Contains(cookies, c => c[0].TrimStart('.') == TestSite.TrackerHost && c[1] == "TRUE" && c[5] == TestSite.TrackerCookie);
    }

    [CurlFact]
    public async Task PostedFormIsEchoed()
    {
        await using var server = await HttpTestServer.StartAsync(new HttpTestServerOptions());

        string echo = Curl.Run(server, "-s", "--data-urlencode", "name=<script>", "--data-urlencode", "email=a@b.test", Url(server, "/form"));

        Assert.Contains("<dt>name</dt><dd>&lt;script&gt;</dd>", echo);
        Assert.Contains("<dt>email</dt><dd>a@b.test</dd>", echo);
    }

    private static string Url(HttpTestServer server, string path, string host = TestSite.SiteHost) =>
        $"http://{host}:{server.EndPoint.Port}{path}";
}

/// <summary>Runs curl with the virtual hosts resolved to the test server, bounded in time.</summary>
internal static class Curl
{
    public static readonly string? Path = FindOnPath("curl");
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    public static string Run(HttpTestServer server, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string host in (string[])[TestSite.SiteHost, TestSite.TrackerHost])
        {
            start.ArgumentList.Add("--resolve");
            start.ArgumentList.Add($"{host}:{server.EndPoint.Port}:{server.EndPoint.Address}");
        }
        start.ArgumentList.Add("--max-time");
        start.ArgumentList.Add("20");
        foreach (string argument in arguments) start.ArgumentList.Add(argument);

        using Process curl = Process.Start(start) ?? throw new InvalidOperationException("could not start curl");
        Task<string> output = curl.StandardOutput.ReadToEndAsync();
        Task<string> error = curl.StandardError.ReadToEndAsync();
        if (!curl.WaitForExit(Limit))
        {
            curl.Kill();
            curl.WaitForExit();
            throw new TimeoutException($"curl {string.Join(' ', arguments)} ran longer than {Limit.TotalSeconds} s");
        }
        Assert.True(curl.ExitCode == 0, $"curl exited {curl.ExitCode}: {error.Result}");
        return output.Result;
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(directory => System.IO.Path.Combine(directory, program))
        .FirstOrDefault(File.Exists);
}

/// <summary>A fact that runs only where curl is installed, and says so when skipped.</summary>
public sealed class CurlFactAttribute : FactAttribute
{
    public CurlFactAttribute()
    {
        if (Curl.Path is null) Skip = "curl is not installed";
    }
}
