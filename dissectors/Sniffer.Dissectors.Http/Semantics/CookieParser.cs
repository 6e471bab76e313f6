using System.Globalization;
using Sniffer.Dissectors.Http.Records;

namespace Sniffer.Dissectors.Http.Semantics;

/// <summary>Cookie and Set-Cookie as a user agent reads them (RFC 6265 §5.2, §5.4): lenient, never rejecting.</summary>
internal static class CookieParser
{
    /// <summary>Splits every Cookie header into its pairs (RFC 6265 §4.2.1: "; " separated).</summary>
    public static IReadOnlyList<HttpCookie> ParseCookieHeaders(IEnumerable<string> cookieHeaders)
    {
        var cookies = new List<HttpCookie>();
        foreach (string header in cookieHeaders)
        {
            foreach (string pair in header.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                int equals = pair.IndexOf('=');
                cookies.Add(equals < 0 ? new HttpCookie("", pair) : new HttpCookie(pair[..equals].Trim(), pair[(equals + 1)..].Trim()));
            }
        }
        return cookies;
    }

    /// <summary>One Set-Cookie field (RFC 6265 §5.2); null when it has no '=' in its first pair, which user agents ignore.</summary>
    public static HttpSetCookie? ParseSetCookie(string header)
    {
        string[] parts = header.Split(';', StringSplitOptions.TrimEntries);
        int equals = parts[0].IndexOf('=');
        if (equals < 0) return null;

        string? domain = null, path = null, expires = null, sameSite = null;
        long? maxAge = null;
        bool secure = false, httpOnly = false, partitioned = false;
        foreach (string attribute in parts.AsSpan(1))
        {
            int split = attribute.IndexOf('=');
            string name = (split < 0 ? attribute : attribute[..split]).Trim();
            string value = split < 0 ? "" : attribute[(split + 1)..].Trim();
            switch (name.ToLowerInvariant())
            {
                case "domain" when value.Length > 0:
                    domain = value.TrimStart('.').ToLowerInvariant(); // §5.2.3: a leading dot is ignored
                    break;
                case "path":
                    path = value;
                    break;
                case "expires":
                    expires = value;
                    break;
                case "max-age" when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long seconds):
                    maxAge = seconds;
                    break;
                case "secure":
                    secure = true;
                    break;
                case "httponly":
                    httpOnly = true;
                    break;
                case "samesite":
                    sameSite = value;
                    break;
                case "partitioned":
                    partitioned = true;
                    break;
            }
        }
        return new HttpSetCookie
        {
            Name = parts[0][..equals].Trim(),
            Value = parts[0][(equals + 1)..].Trim(),
            Domain = domain,
            Path = path,
            Expires = expires,
            ExpiresUnixSeconds = expires is not null && HttpDates.TryParse(expires, out long unix) ? unix : null,
            MaxAgeSeconds = maxAge,
            Secure = secure,
            HttpOnly = httpOnly,
            SameSite = sameSite,
            Partitioned = partitioned,
        };
    }
}

/// <summary>HTTP-date (RFC 9110 §5.6.7) and the older forms cookies still use.</summary>
internal static class HttpDates
{
    private static readonly string[] Formats =
    [
        "r",                               // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        "dddd, dd-MMM-yy HH:mm:ss 'GMT'",  // RFC 850
        "ddd MMM d HH:mm:ss yyyy",         // asctime
        "ddd, dd-MMM-yyyy HH:mm:ss 'GMT'", // Netscape cookie format
        "ddd, dd MMM yyyy HH:mm:ss 'GMT'",
    ];

    public static bool TryParse(string text, out long unixSeconds)
    {
        if (DateTimeOffset.TryParseExact(text.Trim(), Formats, CultureInfo.InvariantCulture,
                DateTimeStyles.AllowInnerWhite | DateTimeStyles.AssumeUniversal, out DateTimeOffset parsed))
        {
            unixSeconds = parsed.ToUnixTimeSeconds();
            return true;
        }
        unixSeconds = 0;
        return false;
    }
}
