using Sniffer.Core.Records;
using Sniffer.Dissectors.Http.Records;

namespace Sniffer.Analysis.Tests.Support;

/// <summary>
/// Builds the records the pipeline would emit, for unit tests that stage a sequence by hand: transactions
/// with the fields the analyses read, and the flow record that closes each connection.
/// </summary>
public static class Exchanges
{
    public const long Second = 1_000_000_000;
    public const long Start = 1_700_000_000 * Second;

    public static HttpTransaction Get(
        long flowId, int index, string host, string target, long atNs,
        int status = 200, long bodyLength = 0,
        IReadOnlyList<HttpCookie>? cookies = null, IReadOnlyList<HttpSetCookie>? setCookies = null,
        string? referer = null, string? origin = null,
        string? ifNoneMatch = null, string? ifModifiedSince = null, string? etag = null, string? lastModified = null,
        long? declaredContentLength = null, bool cacheableWithoutValidator = false,
        long waitNs = 1_000_000, long receiveNs = 0)
    {
        bool conditional = ifNoneMatch is not null || ifModifiedSince is not null;
        long requestEnd = atNs + 10_000, responseStart = requestEnd + waitNs;
        return new HttpTransaction
        {
            FlowId = flowId,
            TimeNs = atNs,
            Index = index,
            Host = host,
            Referer = referer,
            Origin = origin,
            Request = new HttpRequest { Method = "GET", Target = target, TargetForm = HttpTargetForm.Origin, Version = "HTTP/1.1", HeaderBytes = 100 },
            Response = new HttpResponse
            {
                Version = "HTTP/1.1",
                StatusCode = status,
                HeaderBytes = 200,
                Body = bodyLength == 0 ? null : new HttpBody
                {
                    Framing = HttpBodyFraming.ContentLength,
                    WireLength = bodyLength,
                    EncodedLength = bodyLength,
                    DecodedLength = bodyLength,
                    Sha256 = "",
                },
            },
            Timings = new HttpTimings { RequestStartNs = atNs, RequestEndNs = requestEnd, ResponseStartNs = responseStart, ResponseEndNs = responseStart + receiveNs },
            Cookies = cookies ?? [],
            SetCookies = setCookies ?? [],
            Caching = new HttpCaching
            {
                IfNoneMatch = ifNoneMatch,
                IfModifiedSince = ifModifiedSince,
                ETag = etag,
                LastModified = lastModified,
                DeclaredContentLength = declaredContentLength ?? (status == 200 ? bodyLength : null),
                CacheableWithoutValidator = cacheableWithoutValidator,
                Revalidation = !conditional ? HttpRevalidation.Unconditional
                    : status switch { 304 => HttpRevalidation.NotModified, 200 => HttpRevalidation.Changed, _ => HttpRevalidation.Other },
            },
        };
    }

    public static FlowRecord Flow(long flowId, string client, string server, long firstNs, long? handshakeRttNs = 2_000_000) => new()
    {
        FlowId = flowId,
        TimeNs = firstNs,
        Client = client + ":50000",
        Server = server,
        ClientAddress = client,
        ServerAddress = server[..server.LastIndexOf(':')],
        ServerPort = ushort.Parse(server[(server.LastIndexOf(':') + 1)..]),
        Protocol = "http",
        HandshakeRttNs = handshakeRttNs,
        FirstPacketNs = firstNs,
        LastPacketNs = firstNs + Second,
    };

    public static HttpCookie Cookie(string name, string value) => new(name, value);

    public static HttpSetCookie SetCookie(string name, string value, string? domain = null, string? path = null, long? maxAge = null, long? expires = null, bool httpOnly = false) => new()
    {
        Name = name,
        Value = value,
        Domain = domain,
        Path = path,
        MaxAgeSeconds = maxAge,
        ExpiresUnixSeconds = expires,
        Expires = expires is null ? null : "(parsed)",
        HttpOnly = httpOnly,
    };
}
