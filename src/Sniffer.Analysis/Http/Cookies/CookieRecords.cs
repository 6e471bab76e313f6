using Sniffer.Core.Records;

namespace Sniffer.Analysis.Http.Cookies;

/// <summary>
/// One cookie in a client's reconstructed jar at the end of the capture: the browser's cookie file as the
/// traffic shows it, keyed as a user agent keys it (name, domain, path; RFC 6265 §5.3 step 11).
/// <see cref="SnifferRecord.TimeNs"/> is its creation time (the first Set-Cookie, kept across updates) and
/// <see cref="SnifferRecord.FlowId"/> the connection whose response set it last.
/// </summary>
[StoreCollection("cookie_jars")]
public sealed class CookieJarEntry : SnifferRecord
{
    /// <summary>The client's IP address: every program on one host shares this jar in the analysis.</summary>
    public required string Client { get; init; }

    public required string Name { get; init; }

    public required string Value { get; init; }

    /// <summary>Lower case, without port (cookies do not isolate by port, RFC 6265 §8.5).</summary>
    public required string Domain { get; init; }

    /// <summary>True without a Domain attribute: sent only to <see cref="Domain"/> itself, not its subdomains (§5.3 step 6).</summary>
    public bool HostOnly { get; init; }

    public required string Path { get; init; }

    public bool Secure { get; init; }

    public bool HttpOnly { get; init; }

    public string? SameSite { get; init; }

    /// <summary>Expiry in Unix seconds (Max-Age counted from the response's capture second); null for a session cookie.</summary>
    public long? ExpiresUnixSeconds { get; init; }

    /// <summary>The host whose response set it last.</summary>
    public required string SetBy { get; init; }

    public long LastSetNs { get; init; }

    /// <summary>Set-Cookie headers that stored or updated it.</summary>
    public int TimesSet { get; init; }

    /// <summary>Requests that carried it back with the value the jar held.</summary>
    public int TimesSentBack { get; init; }

    /// <summary>Of those, requests whose referring page was on another site: third-party sends.</summary>
    public int ThirdPartySends { get; init; }

    /// <summary>
    /// The entry as a line of the Netscape cookie file that curl (-b/-c) and wget (--load-cookies) read:
    /// domain (dot-prefixed when it covers subdomains), subdomains flag, path, secure, expiry (0 for a session
    /// cookie), name, value; HttpOnly as curl marks it, with a "#HttpOnly_" prefix.
    /// </summary>
    public string ToNetscapeLine() => string.Join('\t',
        (HttpOnly ? "#HttpOnly_" : "") + (HostOnly ? Domain : "." + Domain),
        HostOnly ? "FALSE" : "TRUE",
        Path,
        Secure ? "TRUE" : "FALSE",
        (ExpiresUnixSeconds ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
        Name,
        Value);
}

/// <summary>
/// A cookie a client sent that no Set-Cookie in the capture explains for that request: set before the capture
/// started, by script (document.cookie), or typed in by hand (curl -b). One per client, host, name and value;
/// <see cref="SnifferRecord.TimeNs"/> and <see cref="SnifferRecord.FlowId"/> are the first request that sent it.
/// </summary>
[StoreCollection("unseen_cookies")]
public sealed class UnseenCookie : SnifferRecord
{
    public required string Client { get; init; }

    /// <summary>The host the request went to, without port.</summary>
    public required string Host { get; init; }

    public required string Name { get; init; }

    public required string Value { get; init; }

    public int TimesSent { get; init; }

    public int ThirdPartySends { get; init; }
}

/// <summary>
/// A cookie value one client sent, in third-party context, from pages of several sites: the identifier a
/// tracker uses to follow a user across sites (personal data under GDPR). <see cref="SnifferRecord.TimeNs"/>
/// and <see cref="SnifferRecord.FlowId"/> are its first third-party send.
/// </summary>
[StoreCollection("tracking_ids")]
public sealed class TrackingIdentifier : SnifferRecord
{
    public required string Client { get; init; }

    public required string Name { get; init; }

    public required string Value { get; init; }

    /// <summary>The sites of the hosts that received it.</summary>
    public required IReadOnlyList<string> ReceivingSites { get; init; }

    /// <summary>The sites of the pages (Referer or Origin) it was sent from: two or more.</summary>
    public required IReadOnlyList<string> ReferringSites { get; init; }

    public int ThirdPartySends { get; init; }
}
