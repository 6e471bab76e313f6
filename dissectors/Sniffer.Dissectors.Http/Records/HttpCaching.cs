namespace Sniffer.Dissectors.Http.Records;

/// <summary>What a conditional request (RFC 9110 §13) turned into.</summary>
public enum HttpRevalidation
{
    /// <summary>No If-None-Match nor If-Modified-Since.</summary>
    Unconditional,

    /// <summary>Conditional, answered 304 Not Modified: the cached copy is still good.</summary>
    NotModified,

    /// <summary>Conditional, answered 200: the representation changed and was sent again.</summary>
    Changed,

    /// <summary>Conditional, with any other outcome (412, error, no response).</summary>
    Other,
}

/// <summary>Validators and freshness fields of one exchange (RFC 9110 §8.8, §13; RFC 9111 §5).</summary>
public sealed class HttpCaching
{
    public string? IfModifiedSince { get; init; }

    public string? IfNoneMatch { get; init; }

    public string? ETag { get; init; }

    public string? LastModified { get; init; }

    /// <summary>Response Cache-Control.</summary>
    public string? CacheControl { get; init; }

    /// <summary>Request Cache-Control (max-age=0 on a reload, no-cache on a forced reload).</summary>
    public string? RequestCacheControl { get; init; }

    public string? Expires { get; init; }

    public long? AgeSeconds { get; init; }

    /// <summary>Content-Length of the response as declared, recorded on a 304 too (where it is not a body).</summary>
    public long? DeclaredContentLength { get; init; }

    public HttpRevalidation Revalidation { get; init; }

    /// <summary>A response a cache may store (RFC 9111 §3) that has neither ETag nor Last-Modified, so it can never be revalidated.</summary>
    public bool CacheableWithoutValidator { get; init; }
}
