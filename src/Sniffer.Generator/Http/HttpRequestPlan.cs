namespace Sniffer.Generator.Http;

/// <summary>One request to make: what to send and what status the server should answer.</summary>
internal sealed record HttpRequestPlan(HttpMethod Method, string Host, string Path, int ExpectedStatus)
{
    public string? IfNoneMatch { get; init; }
    public string? IfModifiedSince { get; init; }
    public string? Referer { get; init; }
    /// <summary>The Accept-Encoding to send instead of the user agent's usual one.</summary>
    public string? AcceptEncoding { get; init; }
    /// <summary>Asks the server to close the connection after this response (RFC 9112 §9.6), making the connection non-persistent.</summary>
    public bool ConnectionClose { get; init; }
    /// <summary>Built fresh for each send, because HttpContent can be sent only once.</summary>
    public Func<HttpContent>? Content { get; init; }

    public static HttpRequestPlan Get(string host, string path, int expectedStatus = 200) => new(HttpMethod.Get, host, path, expectedStatus);
}

/// <summary>What came back: the logged entry, the decoded body's first bytes (for pages to parse) and the redirect target.</summary>
internal sealed record HttpOutcome(HttpRequestEntry Entry, byte[] BodyStart, Uri? Location);
