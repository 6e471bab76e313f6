using System.Globalization;
using Sniffer.Analysis.Http.Cookies;
using Sniffer.Analysis.Http.Timing;
using Sniffer.Analysis.Tests.Support;
using Sniffer.TestSupport;

namespace Sniffer.Analysis.Tests.Http;

/// <summary>
/// Real clients against real servers (../shared/captures/real), checked against what the clients themselves
/// wrote (their cookie jars) and tshark's view of the connections. HTTP runs on ports 18080/18081 there,
/// found by content. Skipped when the shared captures are absent.
/// </summary>
public sealed class ReferenceCaptureTests
{
    /// <summary>A cookie as a Netscape-format jar line holds it (curl and wget write this format).</summary>
    private sealed record JarLine(string Domain, bool IncludeSubdomains, string Path, bool Secure, long? Expires, string Name, string Value);

    [SharedCapturesFact]
    public void CookieJarsEqualTheJarsCurlAndWgetSaved()
    {
        AnalysedCapture run = AnalysedCapture.OfFile(RepositoryPaths.Shared("real/http-cookies.pcap"));

        // Both programs ran on 127.0.0.1, so the one jar the analysis keeps for that address holds what either saved.
        string[] curl = File.ReadAllLines(RepositoryPaths.Shared("real-truth/client/http-cookies.curl-jar.txt"));
        string[] wget = File.ReadAllLines(RepositoryPaths.Shared("real-truth/client/http-cookies.wget-jar.txt"));
        HashSet<JarLine> expected = [.. curl.Concat(wget).Select(ParseJarLine).OfType<JarLine>()];

        IReadOnlyList<CookieJarEntry> jar = run.Report.CookieJars;
        Assert.All(jar, c => Assert.Equal("127.0.0.1", c.Client));
        HashSet<JarLine> actual = [.. jar.Select(c => new JarLine(c.Domain, !c.HostOnly, c.Path, c.Secure, c.ExpiresUnixSeconds, c.Name, c.Value))];
        Assert.Equal(expected.OrderBy(l => l.Name), actual.OrderBy(l => l.Name));

        // curl saved last and holds every cookie: its file, line for line, HttpOnly marks included.
        Assert.Equal(curl.Where(l => l.Length > 0 && (!l.StartsWith('#') || l.StartsWith("#HttpOnly_"))).Order(StringComparer.Ordinal),
            jar.Select(c => c.ToNetscapeLine()).Order(StringComparer.Ordinal));

        // curl -b 'manual=1; other=two' sent cookies no server had set.
        Assert.Equal(["manual=1", "other=two"], run.Report.UnseenCookies.Select(u => $"{u.Name}={u.Value}").Order());
        Assert.Empty(run.Report.TrackingIdentifiers);
    }

    [SharedCapturesFact]
    public void KeepAliveConnectionsCarryTheRequestsTsharkCountsAndSaveTheirHandshakes()
    {
        AnalysedCapture run = AnalysedCapture.OfFile(RepositoryPaths.Shared("real/http-keepalive-nginx.pcap"));

        // tshark's tcp.stream numbers connections in order of first packet, as the report lists them.
        Dictionary<int, int> requestsPerStream = TsharkTable.Read(RepositoryPaths.Shared("real-truth/http-keepalive-nginx/http-requests.tsv")).Rows
            .GroupBy(row => int.Parse(row["tcp.stream"], CultureInfo.InvariantCulture)).ToDictionary(g => g.Key, g => g.Count());
        Dictionary<int, long> rttPerStream = TsharkTable.Read(RepositoryPaths.Shared("real-truth/http-keepalive-nginx/tcp-initial-rtt.tsv")).Rows
            .ToDictionary(row => int.Parse(row["tcp.stream"], CultureInfo.InvariantCulture), row => Nanoseconds(row["tcp.analysis.initial_rtt"]));

        IReadOnlyList<ConnectionReuseSummary> connections = run.Report.Connections;
        Assert.Equal(requestsPerStream.Count, connections.Count);
        for (int stream = 0; stream < connections.Count; stream++)
        {
            ConnectionReuseSummary connection = connections[stream];
            Assert.Equal(requestsPerStream[stream], connection.Requests);
            Assert.Equal(requestsPerStream[stream] - 1, connection.HandshakesSaved);
            Assert.Equal(rttPerStream[stream], connection.HandshakeRttNs);
            Assert.Equal((requestsPerStream[stream] - 1) * rttPerStream[stream], connection.RttSavedNs);
        }
        Assert.Equal([6, 4], connections.Select(c => c.Requests));

        TimingSummary host = Assert.Single(run.Report.HostTimings);
        Assert.Equal(("127.0.0.1:18080", 2, 10, 8), (host.Host, host.Connections, host.Requests, host.HandshakesSaved));
        Assert.Equal(10, host.TimeToFirstByte.Count);
        Assert.Equal((rttPerStream.Values.Min(), rttPerStream.Values.Max()), (host.HandshakeRtt.MinNs, host.HandshakeRtt.MaxNs));
    }

    /// <summary>One Netscape cookie-file line; null for comments and blanks. wget writes "host:port" as the domain, curl the host.</summary>
    private static JarLine? ParseJarLine(string text)
    {
        const string HttpOnlyPrefix = "#HttpOnly_"; // curl's mark; wget writes none, so it is not compared here
        if (text.StartsWith(HttpOnlyPrefix, StringComparison.Ordinal)) text = text[HttpOnlyPrefix.Length..];
        if (text.Length == 0 || text.StartsWith('#')) return null;
        string[] f = text.Split('\t');
        string domain = f[0].TrimStart('.');
        int colon = domain.LastIndexOf(':');
        if (colon >= 0) domain = domain[..colon];
        long expires = long.Parse(f[4], CultureInfo.InvariantCulture);
        return new JarLine(domain, f[1] == "TRUE", f[2], f[3] == "TRUE", expires == 0 ? null : expires, f[5], f[6]);
    }

    private static long Nanoseconds(string seconds) =>
        (long)Math.Round(decimal.Parse(seconds, CultureInfo.InvariantCulture) * 1_000_000_000m);
}
