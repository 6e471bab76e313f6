namespace Sniffer.Dissectors.Http.Records;

/// <summary>A final response message: status line, header section and body.</summary>
public sealed class HttpResponse
{
    /// <summary>"HTTP/1.1", "HTTP/1.0", or "HTTP/0.9" for the bare body that answers a simple request.</summary>
    public required string Version { get; init; }

    /// <summary>The status code; 0 for an HTTP/0.9 response, which has no status line.</summary>
    public required int StatusCode { get; init; }

    public string ReasonPhrase { get; init; } = "";

    public IReadOnlyList<HttpHeader> Headers { get; init; } = [];

    /// <summary>Bytes of the status line and header section on the wire.</summary>
    public long HeaderBytes { get; init; }

    /// <summary>Null when the response has no body: HEAD, 1xx, 204, 304 (RFC 9112 §6.3), or a zero length.</summary>
    public HttpBody? Body { get; init; }

    /// <summary>False when the capture lost or never saw the end of the response.</summary>
    public bool Complete { get; init; } = true;
}

/// <summary>A 1xx response before the final one, such as 100 Continue or 103 Early Hints (RFC 9110 §15.2).</summary>
public sealed class HttpInterimResponse
{
    public required int StatusCode { get; init; }

    public string ReasonPhrase { get; init; } = "";

    public IReadOnlyList<HttpHeader> Headers { get; init; } = [];

    /// <summary>Capture time of its first byte.</summary>
    public long TimeNs { get; init; }
}
