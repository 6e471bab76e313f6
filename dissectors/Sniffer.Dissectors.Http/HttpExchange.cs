using Sniffer.Dissectors.Http.Records;

namespace Sniffer.Dissectors.Http;

/// <summary>A request and what has been seen of its response so far; becomes an <see cref="HttpTransaction"/> when settled.</summary>
internal sealed class HttpExchange(int index, MessageHead? requestHead)
{
    public int Index { get; } = index;

    /// <summary>Null for a response whose request was not seen.</summary>
    public MessageHead? RequestHead { get; } = requestHead;

    public HttpRequest? Request { get; set; }

    public bool RequestSettled { get; set; }

    public HttpResponse? Response { get; set; }

    public bool ResponseSettled { get; set; }

    public List<HttpInterimResponse> InterimResponses { get; } = [];

    public long? RequestEndNs { get; set; }

    public long? ResponseStartNs { get; set; }

    public long? ResponseEndNs { get; set; }

    public HttpHandOff HandOff { get; set; }

    public string? HandOffTarget { get; set; }

    public string? Method => RequestHead?.Method;

    /// <summary>
    /// CONNECT, or a request asking to upgrade (RFC 9110 §7.8): whatever the client sends next may not be HTTP,
    /// so the client side waits for the response before reading on.
    /// </summary>
    public bool MayChangeProtocol { get; init; }

    /// <summary>
    /// A response to a request already recorded without it (too many were pending): emitted on its own as soon as it
    /// is complete, outside the request order the others keep.
    /// </summary>
    public bool AnswersEarlierRecord { get; init; }
}
