namespace Sniffer.Analysis.Web;

/// <summary>The matching rules a user agent applies to decide which requests a stored cookie goes with (RFC 6265 §5.1).</summary>
public static class CookieRules
{
    /// <summary>
    /// Domain matching (RFC 6265 §5.1.3): identical, or <paramref name="domain"/> is a suffix of <paramref name="host"/>
    /// preceded by a dot and the host is a name, not an IP address. Both arguments are lower case without port.
    /// </summary>
    public static bool DomainMatches(string host, string domain) =>
        host == domain
        || (host.Length > domain.Length
            && host.EndsWith(domain, StringComparison.Ordinal)
            && host[host.Length - domain.Length - 1] == '.'
            && !Sites.IsAddress(host));

    /// <summary>
    /// Path matching (RFC 6265 §5.1.4): identical, or <paramref name="cookiePath"/> is a prefix of the request path
    /// that ends with '/' or is followed by '/' in it ("/docs" matches "/docs/a" but not "/docsearch").
    /// </summary>
    public static bool PathMatches(string requestPath, string cookiePath) =>
        requestPath == cookiePath
        || (requestPath.StartsWith(cookiePath, StringComparison.Ordinal)
            && (cookiePath.EndsWith('/') || requestPath[cookiePath.Length] == '/'));

    /// <summary>
    /// The default-path of a cookie set without a usable Path attribute (RFC 6265 §5.1.4): the request path up to,
    /// not including, its last '/', or "/" when that leaves nothing.
    /// </summary>
    public static string DefaultPath(string requestPath)
    {
        if (!requestPath.StartsWith('/')) return "/";
        int last = requestPath.LastIndexOf('/');
        return last == 0 ? "/" : requestPath[..last];
    }

    /// <summary>The path of a request-target (RFC 9112 §3.2): origin-form up to '?', the path of an absolute-form URL, "/" otherwise.</summary>
    public static string RequestPath(string target)
    {
        if (target.StartsWith('/'))
        {
            int query = target.IndexOfAny(['?', '#']);
            return query < 0 ? target : target[..query];
        }
        return Uri.TryCreate(target, UriKind.Absolute, out Uri? uri) && uri.AbsolutePath.Length > 0 ? uri.AbsolutePath : "/";
    }
}
