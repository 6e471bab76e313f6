namespace Sniffer.Dissectors.Http.Records;

/// <summary>The four request-target forms of RFC 9112 §3.2.</summary>
public enum HttpTargetForm
{
    /// <summary>"/path?query" (§3.2.1).</summary>
    Origin,

    /// <summary>"http://host/path", sent to proxies (§3.2.2).</summary>
    Absolute,

    /// <summary>"host:port", only for CONNECT (§3.2.3).</summary>
    Authority,

    /// <summary>"*", only for a server-wide OPTIONS (§3.2.4).</summary>
    Asterisk,
}

/// <summary>A request message: request line, header section and body.</summary>
public sealed class HttpRequest
{
    /// <summary>The method token exactly as sent (methods are case-sensitive, RFC 9110 §9.1).</summary>
    public required string Method { get; init; }

    public required string Target { get; init; }

    public required HttpTargetForm TargetForm { get; init; }

    /// <summary>"HTTP/1.1", "HTTP/1.0", or "HTTP/0.9" for a simple request without a version.</summary>
    public required string Version { get; init; }

    public IReadOnlyList<HttpHeader> Headers { get; init; } = [];

    /// <summary>Bytes of the request line and header section on the wire.</summary>
    public long HeaderBytes { get; init; }

    /// <summary>Null when the request has no body (RFC 9112 §6.3: no Content-Length nor Transfer-Encoding).</summary>
    public HttpBody? Body { get; init; }

    /// <summary>False when the capture lost or never saw the end of the request.</summary>
    public bool Complete { get; init; } = true;
}
