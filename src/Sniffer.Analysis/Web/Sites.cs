using System.Net;

namespace Sniffer.Analysis.Web;

/// <summary>
/// Hosts reduced to the "site" that first/third-party decisions compare: the registrable domain, one label
/// more than the host's public suffix ("www.bbc.co.uk" → "bbc.co.uk", "alice.github.io" → "alice.github.io").
/// </summary>
/// <remarks>
/// Browsers take public suffixes from the Public Suffix List (publicsuffix.org). That list is third-party
/// data and is not shipped; instead a short list of common multi-label suffixes, written for Sniffer, is
/// consulted and every other host is cut to its last two labels. Hosts under a suffix missing from the list
/// ("example.co.ke", "foo.s3.eu-west-1.amazonaws.com") are therefore merged into a site one level too broad,
/// which can only make a third-party cookie look first-party, never the reverse. An IP address is its own
/// site (RFC 6265 §5.1.3 forbids domain-matching one), and a single-label host ("localhost") is too.
/// </remarks>
public static class Sites
{
    private static readonly HashSet<string> MultiLabelPublicSuffixes = new(StringComparer.Ordinal)
    {
        // Second-level registries under country codes.
        "co.uk", "org.uk", "ac.uk", "gov.uk", "ltd.uk", "plc.uk", "me.uk", "net.uk", "nhs.uk", "sch.uk",
        "com.au", "net.au", "org.au", "edu.au", "gov.au", "asn.au", "id.au",
        "co.nz", "org.nz", "net.nz", "govt.nz", "ac.nz",
        "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp",
        "co.kr", "or.kr", "ac.kr",
        "com.br", "net.br", "org.br", "gov.br",
        "com.cn", "net.cn", "org.cn", "gov.cn", "edu.cn",
        "com.tw", "com.hk", "com.sg", "com.my", "com.mx", "com.ar", "com.tr", "com.ua",
        "co.in", "net.in", "org.in", "co.za", "co.il", "co.id", "co.th",
        // Hosting platforms where every customer gets a subdomain of its own.
        "github.io", "gitlab.io", "herokuapp.com", "blogspot.com", "appspot.com", "azurewebsites.net",
        "cloudfront.net", "netlify.app", "vercel.app", "pages.dev", "workers.dev", "web.app", "firebaseapp.com",
        "s3.amazonaws.com",
    };

    /// <summary>The registrable domain of <paramref name="host"/>, lower case; the host itself for an IP address or a single label.</summary>
    public static string Of(string host)
    {
        string normal = Normalize(host);
        if (IsAddress(normal)) return normal;
        string[] labels = normal.Split('.');
        if (labels.Length <= 2) return normal;
        // A suffix of three labels or more is not in the list, so the last two or three labels decide.
        string lastTwo = string.Join('.', labels[^2..]);
        return MultiLabelPublicSuffixes.Contains(lastTwo) ? string.Join('.', labels[^3..]) : lastTwo;
    }

    /// <summary>
    /// True for a domain a cookie may not be scoped to (RFC 6265 §5.3 step 5): a top-level label ("com"),
    /// or a listed multi-label suffix ("co.uk"). An unlisted one ("co.ke") passes, so a cookie a browser
    /// would refuse can enter a reconstructed jar.
    /// </summary>
    public static bool IsPublicSuffix(string domain)
    {
        string normal = Normalize(domain);
        return !IsAddress(normal) && (!normal.Contains('.') || MultiLabelPublicSuffixes.Contains(normal));
    }

    /// <summary>True for an IPv4 or IPv6 literal, bracketed or not.</summary>
    public static bool IsAddress(string host) => IPAddress.TryParse(host.Trim('[', ']'), out _);

    /// <summary>The host part of a Host header or authority: lower case, without port, brackets or trailing dot.</summary>
    public static string HostOf(string authority)
    {
        string host = authority.Trim();
        int at = host.LastIndexOf('@');
        if (at >= 0) host = host[(at + 1)..];
        if (host.StartsWith('['))
        {
            int close = host.IndexOf(']');
            return close > 0 ? host[1..close].ToLowerInvariant() : host.ToLowerInvariant();
        }
        int colon = host.LastIndexOf(':');
        // More than one colon is a bare IPv6 address, which has no port to cut.
        if (colon >= 0 && host.IndexOf(':') == colon) host = host[..colon];
        return Normalize(host);
    }

    /// <summary>The site of the page that issued a request, from its Referer or Origin URL; null when there is none ("null" origin, relative or bad URL).</summary>
    public static string? OfUrl(string? url) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) && uri.Host.Length > 0 ? Of(uri.Host) : null;

    private static string Normalize(string host) => host.Trim().TrimEnd('.').ToLowerInvariant();
}
