using Sniffer.Dissectors.Http.Parsing;
using Sniffer.Dissectors.Http.Records;
using Sniffer.Dissectors.Http.Semantics;

namespace Sniffer.Dissectors.Http;

/// <summary>The start line and fields of the message being parsed in one direction, filled by <see cref="HeadHandler"/>.</summary>
internal sealed class MessageHead
{
    public string Method { get; set; } = "";

    public string Target { get; set; } = "";

    public HttpProtocolVersion Version { get; set; }

    /// <summary>0 for a request, and for an HTTP/0.9 response, which has no status line.</summary>
    public int StatusCode { get; set; }

    public string ReasonPhrase { get; set; } = "";

    public List<HttpHeader> Headers { get; } = [];

    public List<HttpHeader> Trailers { get; } = [];

    public long HeaderBytes { get; set; }

    public long? StartNs { get; set; }

    public static MessageHead Http09Response() => new() { Version = HttpProtocolVersion.Http09 };
}

/// <summary>Leniencies seen in one direction since the dissector last reported them.</summary>
internal sealed class LeniencyLog
{
    public HttpLeniency Unreported { get; set; }
}

/// <summary>The parsers' callback target: a struct over the head being filled, so the generic calls are devirtualised.</summary>
internal readonly struct HeadHandler(MessageHead head, LeniencyLog leniencies, bool trailers = false) : IHttpRequestLineHandler, IHttpStatusLineHandler, IHttpHeadersHandler
{
    public void OnRequestLine(ReadOnlySpan<byte> method, ReadOnlySpan<byte> target, HttpProtocolVersion version)
    {
        head.Method = HttpText.Decode(method);
        head.Target = HttpText.Decode(target);
        head.Version = version;
    }

    public void OnStatusLine(HttpProtocolVersion version, int statusCode, ReadOnlySpan<byte> reasonPhrase)
    {
        head.Version = version;
        head.StatusCode = statusCode;
        head.ReasonPhrase = HttpText.Decode(reasonPhrase);
    }

    public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) =>
        (trailers ? head.Trailers : head.Headers).Add(new HttpHeader(HttpText.Decode(name), HttpText.Decode(value)));

    public void OnLeniency(HttpLeniency leniency) => leniencies.Unreported |= leniency;
}
