namespace Sniffer.Servers.Http;

/// <summary>
/// The names clients of the test server rely on: its two virtual hosts (chosen by the Host header; clients
/// connect to the server's own address whatever host they name) and the fixed list of static objects.
/// </summary>
public static class TestSite
{
    /// <summary>The site: <c>/</c>, <c>/objects/NAME</c>, forms, redirects… Any Host other than the tracker's gets the site.</summary>
    public const string SiteHost = "www.sniffer.test";

    /// <summary>
    /// A host on another site (registrable domain tracker.test, not sniffer.test; both under RFC 6761's reserved .test), so
    /// the page loads a third-party resource that sets its own cookie. A sibling such as tracker.sniffer.test would be
    /// the same site, and its cookie first-party.
    /// </summary>
    public const string TrackerHost = "ads.tracker.test";

    /// <summary>The tracker pixel the page references, absolute so it names the tracker host.</summary>
    public const string TrackerPixelUrl = "http://" + TrackerHost + "/pixel.gif";

    public const string SessionCookie = "session";
    public const string TrackerCookie = "uid";

    /// <summary>Every object under <c>/objects/</c>, in the order the page references them.</summary>
    public static IReadOnlyList<string> ObjectNames => Content.ObjectCatalog.Names;
}
