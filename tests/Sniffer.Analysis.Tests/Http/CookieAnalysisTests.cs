using Sniffer.Analysis.Http;
using Sniffer.Analysis.Http.Cookies;
using Sniffer.Core.Records;
using static Sniffer.Analysis.Tests.Support.Exchanges;

namespace Sniffer.Analysis.Tests.Http;

/// <summary>Cookie jars replayed from hand-built record sequences, rule by rule (RFC 6265 §5.3, §5.4).</summary>
public sealed class CookieAnalysisTests
{
    private const string Alice = "192.0.2.10", Bob = "192.0.2.11";

    private static HttpAnalysisReport Run(params SnifferRecord[] records)
    {
        var analysis = new HttpAnalysis();
        foreach (SnifferRecord record in records) analysis.Emit(record);
        return analysis.Complete();
    }

    [Fact]
    public void EachClientHasItsOwnJarAndWhatItSentBackIsCounted()
    {
        var report = Run(
            Get(1, 1, "www.example.com", "/", Start, setCookies: [SetCookie("sid", "a1", httpOnly: true)]),
            Get(1, 2, "www.example.com", "/page", Start + Second, cookies: [Cookie("sid", "a1")]),
            Get(1, 3, "www.example.com", "/other", Start + 2 * Second, cookies: [Cookie("sid", "a1")]),
            Flow(1, Alice, "198.51.100.1:80", Start),
            Get(2, 1, "www.example.com", "/", Start + Second, setCookies: [SetCookie("sid", "b1")]),
            Flow(2, Bob, "198.51.100.1:80", Start + Second));

        CookieJarEntry alice = Assert.Single(report.CookieJars, c => c.Client == Alice);
        Assert.Equal(("sid", "a1", "www.example.com", true, "/", true), (alice.Name, alice.Value, alice.Domain, alice.HostOnly, alice.Path, alice.HttpOnly));
        Assert.Equal(2, alice.TimesSentBack);
        Assert.Equal(1, alice.FlowId);
        Assert.Equal("b1", Assert.Single(report.CookieJars, c => c.Client == Bob).Value);
        Assert.Empty(report.UnseenCookies);
    }

    [Fact]
    public void ADomainCookieReachesSubdomainsAndAHostOnlyCookieDoesNot()
    {
        var report = Run(
            Get(1, 1, "login.example.com", "/", Start, setCookies: [SetCookie("wide", "w", domain: "example.com"), SetCookie("narrow", "n")]),
            Get(1, 2, "www.example.com", "/", Start + Second, cookies: [Cookie("wide", "w"), Cookie("narrow", "n")]),
            Flow(1, Alice, "198.51.100.1:80", Start));

        Assert.Equal(1, report.CookieJars.Single(c => c.Name == "wide").TimesSentBack);
        // As curl's cookie file writes it: a dot and TRUE for a cookie that covers subdomains.
        Assert.Equal(".example.com\tTRUE\t/\tFALSE\t0\twide\tw", report.CookieJars.Single(c => c.Name == "wide").ToNetscapeLine());
        Assert.Equal("login.example.com\tFALSE\t/\tFALSE\t0\tnarrow\tn", report.CookieJars.Single(c => c.Name == "narrow").ToNetscapeLine());
        // A host-only cookie of login.example.com arriving at www.example.com was not set for it (§5.4 step 1).
        Assert.Equal(0, report.CookieJars.Single(c => c.Name == "narrow").TimesSentBack);
        UnseenCookie unseen = Assert.Single(report.UnseenCookies);
        Assert.Equal(("www.example.com", "narrow", "n"), (unseen.Host, unseen.Name, unseen.Value));
    }

    [Fact]
    public void DomainAttributesForAPublicSuffixOrAnotherSiteAreIgnored()
    {
        var report = Run(
            Get(1, 1, "www.example.co.uk", "/", Start, setCookies:
            [
                SetCookie("suffix", "1", domain: "co.uk"),
                SetCookie("foreign", "2", domain: "other.example"),
                SetCookie("parent", "3", domain: "example.co.uk"),
            ]),
            Flow(1, Alice, "198.51.100.1:80", Start));

        Assert.Equal(["parent"], report.CookieJars.Select(c => c.Name));
        Assert.Equal(2, report.RejectedSetCookies);
    }

    [Fact]
    public void AnAddressIsItsOwnDomainAndPortsDoNotSeparateCookies()
    {
        var report = Run(
            Get(1, 1, "[2001:DB8::20]:8080", "/", Start, setCookies: [SetCookie("v6", "1")]),
            Get(1, 2, "10.0.0.1", "/", Start, setCookies: [SetCookie("partial", "1", domain: "0.0.1"), SetCookie("v4", "1", domain: "10.0.0.1")]),
            Get(1, 3, "[2001:db8::20]:8081", "/", Start + Second, cookies: [Cookie("v6", "1")]),
            Flow(1, Alice, "198.51.100.1:80", Start));

        Assert.Equal([("10.0.0.1", "v4"), ("2001:db8::20", "v6")], report.CookieJars.Select(c => (c.Domain, c.Name)));
        Assert.Equal(1, report.CookieJars.Single(c => c.Name == "v6").TimesSentBack);
        Assert.Equal(1, report.RejectedSetCookies);
    }

    [Fact]
    public void PathScopesACookieAndTheDefaultPathIsTheRequestsDirectory()
    {
        var report = Run(
            Get(1, 1, "example.com", "/app/login", Start, setCookies: [SetCookie("app", "1"), SetCookie("docs", "2", path: "/docs")]),
            Get(1, 2, "example.com", "/app/home", Start + Second, cookies: [Cookie("app", "1")]),
            Get(1, 3, "example.com", "/docsearch", Start + 2 * Second, cookies: [Cookie("docs", "2")]),
            Flow(1, Alice, "198.51.100.1:80", Start));

        CookieJarEntry app = report.CookieJars.Single(c => c.Name == "app");
        Assert.Equal(("/app", 1), (app.Path, app.TimesSentBack));
        Assert.Equal("docs", Assert.Single(report.UnseenCookies).Name);
    }

    [Fact]
    public void MaxAgeGivesTheExpiryAndMaxAgeZeroDeletes()
    {
        var report = Run(
            Get(1, 1, "example.com", "/", Start + 500_000_000, setCookies: [SetCookie("keep", "1", maxAge: 3600), SetCookie("gone", "1")]),
            Get(1, 2, "example.com", "/logout", Start + Second, setCookies: [SetCookie("gone", "", maxAge: 0)]),
            Get(1, 3, "example.com", "/", Start + 2 * Second, setCookies: [SetCookie("stale", "x", expires: Start / Second - 60)]),
            Get(1, 4, "example.com", "/", Start + 3 * Second, setCookies: [SetCookie("forever", "1", maxAge: long.MaxValue)]),
            Flow(1, Alice, "198.51.100.1:80", Start));

        Assert.Equal(["forever", "keep"], report.CookieJars.Select(c => c.Name));
        // Counted from the capture second of the response, as curl and wget write it to their jars.
        Assert.Equal(Start / Second + 3600, report.CookieJars[1].ExpiresUnixSeconds);
        Assert.Equal(long.MaxValue, report.CookieJars[0].ExpiresUnixSeconds);
    }

    [Fact]
    public void AnUpdateReplacesTheValueAndKeepsTheCreationTime()
    {
        var first = Get(1, 1, "example.com", "/", Start, setCookies: [SetCookie("v", "1")]);
        var report = Run(
            first,
            Get(1, 2, "example.com", "/", Start + Second, setCookies: [SetCookie("v", "2")]),
            Get(1, 3, "example.com", "/", Start + 2 * Second, cookies: [Cookie("v", "1")]),
            Flow(1, Alice, "198.51.100.1:80", Start));

        CookieJarEntry entry = Assert.Single(report.CookieJars);
        Assert.Equal(("2", 2, 0), (entry.Value, entry.TimesSet, entry.TimesSentBack));
        Assert.Equal(first.Timings.ResponseStartNs, entry.TimeNs);
        Assert.Equal("1", Assert.Single(report.UnseenCookies).Value);
    }

    [Fact]
    public void ACookieSetOnALongConnectionCountsForAShorterOneThatEndedFirst()
    {
        // Flow 1 stays open past flow 2, so its flow record arrives last: the replay must follow capture time, not arrival.
        var report = Run(
            Get(2, 1, "example.com", "/", Start + 2 * Second, cookies: [Cookie("sid", "x")]),
            Flow(2, Alice, "198.51.100.1:80", Start + 2 * Second),
            Get(1, 1, "example.com", "/", Start, setCookies: [SetCookie("sid", "x")]),
            Flow(1, Alice, "198.51.100.1:80", Start));

        Assert.Equal(1, Assert.Single(report.CookieJars).TimesSentBack);
        Assert.Empty(report.UnseenCookies);
    }

    [Fact]
    public void TheSameValueSentFromPagesOfTwoSitesIsATrackingIdentifier()
    {
        var report = Run(
            Get(1, 1, "ads.tracker.example", "/pixel", Start, referer: "http://www.news.example/", setCookies: [SetCookie("uid", "u-5f2c9e71", domain: "tracker.example")]),
            Get(1, 2, "ads.tracker.example", "/pixel", Start + Second, referer: "http://shop.example/cart", cookies: [Cookie("uid", "u-5f2c9e71"), Cookie("ab", "1")]),
            Get(1, 3, "ads.tracker.example", "/pixel", Start + 2 * Second, origin: "http://blog.example", cookies: [Cookie("uid", "u-5f2c9e71"), Cookie("ab", "1")]),
            Get(1, 4, "tracker.example", "/", Start + 3 * Second, referer: "http://tracker.example/", cookies: [Cookie("uid", "u-5f2c9e71")]),
            Flow(1, Alice, "203.0.113.5:80", Start));

        TrackingIdentifier tracking = Assert.Single(report.TrackingIdentifiers);
        Assert.Equal(("uid", "u-5f2c9e71"), (tracking.Name, tracking.Value));
        Assert.Equal(["blog.example", "shop.example"], tracking.ReferringSites);
        Assert.Equal(["tracker.example"], tracking.ReceivingSites);
        CookieJarEntry uid = Assert.Single(report.CookieJars);
        // The fourth request came from the tracker's own page: sent back, but first-party.
        Assert.Equal((3, 2), (uid.TimesSentBack, uid.ThirdPartySends));
        // "ab=1" also crossed two sites, but one character cannot single anyone out.
        Assert.Equal(2, Assert.Single(report.UnseenCookies).ThirdPartySends);
    }

    [Fact]
    public void AFullJarEvictsTheOldestCookie()
    {
        var analysis = new HttpAnalysis(HttpAnalysisOptions.Default with { MaxCookiesPerClient = 2 });
        analysis.Emit(Get(1, 1, "example.com", "/", Start, setCookies: [SetCookie("a", "1")]));
        analysis.Emit(Get(1, 2, "example.com", "/", Start + Second, setCookies: [SetCookie("b", "1")]));
        analysis.Emit(Get(1, 3, "example.com", "/", Start + 2 * Second, setCookies: [SetCookie("c", "1")]));
        analysis.Emit(Flow(1, Alice, "198.51.100.1:80", Start));

        Assert.Equal(["b", "c"], analysis.Complete().CookieJars.Select(c => c.Name));
    }
}
