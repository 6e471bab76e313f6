namespace Sniffer.Dissectors.Http.Records;

/// <summary>One name=value pair of a Cookie request header (RFC 6265 §4.2).</summary>
public sealed record HttpCookie(string Name, string Value);

/// <summary>One Set-Cookie response header with its attributes (RFC 6265 §4.1, §5.2; Partitioned from CHIPS).</summary>
public sealed class HttpSetCookie
{
    public required string Name { get; init; }

    public required string Value { get; init; }

    /// <summary>Domain attribute without a leading dot (RFC 6265 §5.2.3); null for a host-only cookie.</summary>
    public string? Domain { get; init; }

    public string? Path { get; init; }

    /// <summary>The Expires attribute as sent.</summary>
    public string? Expires { get; init; }

    /// <summary>Expires parsed as Unix seconds, when it parses.</summary>
    public long? ExpiresUnixSeconds { get; init; }

    /// <summary>Max-Age in seconds; takes precedence over Expires (RFC 6265 §5.3 step 3).</summary>
    public long? MaxAgeSeconds { get; init; }

    public bool Secure { get; init; }

    public bool HttpOnly { get; init; }

    /// <summary>"Strict", "Lax" or "None" as sent, or null when absent.</summary>
    public string? SameSite { get; init; }

    public bool Partitioned { get; init; }

    /// <summary>True when neither Expires nor Max-Age is set: the cookie lasts for the browser session.</summary>
    public bool IsSessionCookie => Expires is null && MaxAgeSeconds is null;
}
