using Sniffer.Analysis.Http.Caching;
using Sniffer.Analysis.Http.Cookies;
using Sniffer.Analysis.Http.Timing;
using Sniffer.Analysis.Tests.Support;
using Sniffer.Core.Records;
using Sniffer.Dissectors.Http.Records;
using Sniffer.TestSupport.Synthesis;

namespace Sniffer.Analysis.Tests.Http;

/// <summary>
/// End to end: byte-exact conversations written to a pcap, read by the whole pipeline (decode → reassembly →
/// HTTP dissection) with the analysis tapped in, so every number comes from what the wire carried.
/// </summary>
public sealed class SynthesisedConversationTests
{
    private const string Browser = "192.0.2.10";
    private const long T0 = 1_700_000_000_000_000_000, Second = 1_000_000_000;
    private const string Uid = "9f86d081884c7d65";

    private static string Get(string host, string target, params string[] headers) =>
        $"GET {target} HTTP/1.1\r\nHost: {host}\r\n" + string.Concat(headers.Select(h => h + "\r\n")) + "\r\n";

    private static string Ok(string body, params string[] headers) =>
        "HTTP/1.1 200 OK\r\n" + string.Concat(headers.Select(h => h + "\r\n")) + $"Content-Length: {body.Length}\r\n\r\n" + body;

    private static TcpConversation Fetch(string server, int clientPort, long startNs, string request, string response) =>
        new TcpConversation($"{Browser}:{clientPort}", server, startNs: startNs).Handshake().ClientSends(request).ServerSends(response).Close();

    [Fact]
    public void APageAndAThirdPartyTrackerFillTheJarAndTheSameIdentifierIsSeenAcrossSites()
    {
        const string news = "198.51.100.1:80", shop = "198.51.100.2:80", tracker = "203.0.113.5:80";
        AnalysedCapture run = AnalysedCapture.Of(
            Fetch(news, 50001, T0, Get("www.news.example", "/"),
                Ok("<img src=http://ads.tracker.example/pixel.gif>", "Set-Cookie: session=n-41; Path=/; HttpOnly")),
            Fetch(tracker, 50002, T0 + Second, Get("ads.tracker.example", "/pixel.gif", "Referer: http://www.news.example/"),
                Ok("GIF89a", $"Set-Cookie: uid={Uid}; Domain=tracker.example; Path=/; Max-Age=31536000")),
            Fetch(shop, 50003, T0 + 2 * Second, Get("shop.example", "/"), Ok("<img src=http://ads.tracker.example/pixel.gif>")),
            Fetch(tracker, 50004, T0 + 3 * Second, Get("ads.tracker.example", "/pixel.gif", "Referer: http://shop.example/", $"Cookie: uid={Uid}"), Ok("GIF89a")),
            Fetch(news, 50005, T0 + 4 * Second, Get("www.news.example", "/next", "Cookie: session=n-41; prefs=compact"), Ok("next")),
            Fetch(tracker, 50006, T0 + 5 * Second, Get("ads.tracker.example", "/pixel.gif", "Referer: http://www.news.example/next", $"Cookie: uid={Uid}"), Ok("GIF89a")));

        IReadOnlyList<CookieJarEntry> jar = run.Report.CookieJars;
        Assert.All(jar, c => Assert.Equal(Browser, c.Client));
        CookieJarEntry uid = jar.Single(c => c.Name == "uid");
        Assert.Equal((Uid, "tracker.example", false, "/", "ads.tracker.example"), (uid.Value, uid.Domain, uid.HostOnly, uid.Path, uid.SetBy));
        Assert.Equal(T0 / Second + 1 + 31_536_000, uid.ExpiresUnixSeconds);
        Assert.Equal((2, 2), (uid.TimesSentBack, uid.ThirdPartySends));
        CookieJarEntry session = jar.Single(c => c.Name == "session");
        Assert.Equal(("www.news.example", true, true, null, 1, 0), (session.Domain, session.HostOnly, session.HttpOnly, session.ExpiresUnixSeconds, session.TimesSentBack, session.ThirdPartySends));
        Assert.Equal(2, jar.Count);

        UnseenCookie prefs = Assert.Single(run.Report.UnseenCookies);
        Assert.Equal(("www.news.example", "prefs", "compact"), (prefs.Host, prefs.Name, prefs.Value));

        TrackingIdentifier tracking = Assert.Single(run.Report.TrackingIdentifiers);
        Assert.Equal(("uid", Uid, 2), (tracking.Name, tracking.Value, tracking.ThirdPartySends));
        Assert.Equal(["news.example", "shop.example"], tracking.ReferringSites);
        Assert.Equal(["tracker.example"], tracking.ReceivingSites);
    }

    [Fact]
    public void ConditionalGetOnAKeepAliveConnectionSavesTheEarlierBodyAndTwoHandshakes()
    {
        string page = Body(4000), style = Body(2500);
        var conversation = new TcpConversation($"{Browser}:51000", "198.51.100.20:80", startNs: T0)
            .Handshake()
            .ClientSends(Get("www.example.com", "/index.html")).ServerSends(Ok(page, "ETag: \"v1\""))
            .ClientSends(Get("www.example.com", "/style.css")).ServerSends(Ok(style, "ETag: \"s1\""))
            .ClientSends(Get("www.example.com", "/index.html", "If-None-Match: \"v1\"")).ServerSends("HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n")
            .Close();
        AnalysedCapture run = AnalysedCapture.Of(conversation);

        ConditionalGetSaving saving = Assert.Single(run.Report.ConditionalGetSavings);
        Assert.Equal(("www.example.com/index.html", 4000L, SavingBasis.EarlierResponse, 3), (saving.Url, saving.BytesSaved, saving.Basis, saving.Index));
        // Throughput measured independently from the transactions: the 200s' wire bytes over their receive times.
        List<HttpTransaction> oks = run.Sink.Records.OfType<HttpTransaction>().Where(t => t.Response?.StatusCode == 200).ToList();
        double bytes = oks.Sum(t => t.Response!.HeaderBytes + t.Response.Body!.WireLength);
        double ns = oks.Sum(t => t.Timings.ReceiveNs!.Value);
        Assert.Equal((long)Math.Round(4000 / (bytes / ns)), saving.TimeSavedNs);
        Assert.Equal(4000, run.Report.ConditionalGet.BytesSaved);

        FlowRecord flow = run.Sink.Records.OfType<FlowRecord>().Single();
        Assert.Equal(2_000_000, flow.HandshakeRttNs);
        ConnectionReuseSummary connection = Assert.Single(run.Report.Connections);
        Assert.Equal((3, 2, 2 * flow.HandshakeRttNs), (connection.Requests, connection.HandshakesSaved, connection.RttSavedNs));
        Assert.Equal(("198.51.100.20:80", "www.example.com"), (connection.Server, connection.Host));
        Assert.Equal([flow.HandshakeRttNs, null, null], run.Report.ObjectTimings.Select(o => o.ConnectNs));
    }

    [Fact]
    public void A304WithoutAnEarlier200SavesItsContentLength()
    {
        AnalysedCapture run = AnalysedCapture.Of(Fetch("198.51.100.30:80", 52000, T0,
            Get("mirror.example", "/big.iso", "If-None-Match: \"iso-7\""),
            "HTTP/1.1 304 Not Modified\r\nETag: \"iso-7\"\r\nContent-Length: 734003200\r\n\r\n"));

        ConditionalGetSaving saving = Assert.Single(run.Report.ConditionalGetSavings);
        Assert.Equal((734003200L, SavingBasis.DeclaredContentLength), (saving.BytesSaved, saving.Basis));
    }

    [Fact]
    public void A304WithNeitherHasAnUnknownSaving()
    {
        AnalysedCapture run = AnalysedCapture.Of(Fetch("198.51.100.30:80", 52001, T0,
            Get("news.example", "/feed.xml", "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT"),
            "HTTP/1.1 304 Not Modified\r\n\r\n"));

        ConditionalGetSaving saving = Assert.Single(run.Report.ConditionalGetSavings);
        Assert.Equal(((long?)null, SavingBasis.Unknown, (long?)null), (saving.BytesSaved, saving.Basis, saving.TimeSavedNs));
        Assert.Equal((1, 1, 0L), (run.Report.ConditionalGet.NotModified, run.Report.ConditionalGet.UnknownSavings, run.Report.ConditionalGet.BytesSaved));
    }

    private static string Body(int length) => string.Concat(Enumerable.Range(0, length / 16 + 1).Select(i => $"line {i:D10}\n"))[..length];
}
