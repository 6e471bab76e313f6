using Sniffer.Core.Records;

namespace Sniffer.Dissectors.Http.Records;

/// <summary>Why the HTTP dissector stopped at this exchange: the rest of the connection is another protocol.</summary>
public enum HttpHandOff
{
    None,

    /// <summary>CONNECT answered 2xx: the connection is a tunnel (RFC 9110 §9.3.6).</summary>
    ConnectTunnel,

    /// <summary>101 Switching Protocols to WebSocket (RFC 6455).</summary>
    WebSocket,

    /// <summary>101 Switching Protocols to cleartext HTTP/2 (RFC 7540 §3.2).</summary>
    H2c,

    /// <summary>101 Switching Protocols to anything else.</summary>
    OtherUpgrade,
}

/// <summary>
/// One request and its final response on a connection, with everything later analyses need: the
/// validators for conditional GET savings, cookies for per-client jars, Referer/Origin for first/third
/// party, sizes and hashes for comparing bodies. <see cref="SnifferRecord.TimeNs"/> is the request's first byte
/// (or the response's, for a response whose request was not seen).
/// </summary>
public sealed class HttpTransaction : SnifferRecord
{
    /// <summary>1-based position on the connection: 1 for the first exchange, 2 for the first keep-alive reuse…</summary>
    public required int Index { get; init; }

    /// <summary>Null when the request was not captured (capture started mid-stream, or lost in a gap).</summary>
    public HttpRequest? Request { get; init; }

    /// <summary>Null when no final response was seen before the connection ended.</summary>
    public HttpResponse? Response { get; init; }

    public IReadOnlyList<HttpInterimResponse> InterimResponses { get; init; } = [];

    public required HttpTimings Timings { get; init; }

    /// <summary>Host header, or the authority of an absolute-form or authority-form target.</summary>
    public string? Host { get; init; }

    public string? Referer { get; init; }

    public string? Origin { get; init; }

    public IReadOnlyList<HttpCookie> Cookies { get; init; } = [];

    public IReadOnlyList<HttpSetCookie> SetCookies { get; init; } = [];

    public HttpCredentials? Credentials { get; init; }

    public required HttpCaching Caching { get; init; }

    public HttpHandOff HandOff { get; init; }

    /// <summary>The protocol named by Upgrade on a 101, or the CONNECT target for a tunnel.</summary>
    public string? HandOffTarget { get; init; }
}
