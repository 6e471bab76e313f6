using Sniffer.Core.Records;
using Sniffer.Dissectors.Http.Records;

namespace Sniffer.Analysis.Http;

/// <summary>
/// What the analyses need of one <see cref="HttpTransaction"/>, kept until the end of the capture without its
/// headers and bodies. <see cref="Sequence"/> is the arrival order, the tie-breaker for equal times.
/// </summary>
internal sealed record Exchange(
    long Sequence,
    long FlowId,
    int Index,
    long TimeNs,
    string? Method,
    string? Target,
    int? StatusCode,
    string? Host,
    string? Referer,
    string? Origin,
    IReadOnlyList<HttpCookie> Cookies,
    IReadOnlyList<HttpSetCookie> SetCookies,
    HttpCaching Caching,
    HttpTimings Timings,
    long ResponseBytes,
    long? RepresentationLength)
{
    public static Exchange From(HttpTransaction transaction, long sequence)
    {
        HttpResponse? response = transaction.Response;
        return new Exchange(
            sequence,
            transaction.FlowId,
            transaction.Index,
            transaction.TimeNs,
            transaction.Request?.Method,
            transaction.Request?.Target,
            response?.StatusCode,
            transaction.Host,
            transaction.Referer,
            transaction.Origin,
            transaction.Cookies,
            transaction.SetCookies,
            transaction.Caching,
            transaction.Timings,
            response is null ? 0 : response.HeaderBytes + (response.Body?.WireLength ?? 0),
            RepresentationLengthOf(response, transaction.Caching));
    }

    /// <summary>
    /// The size a cache stores for a response: the body after transfer decoding, still content-coded; for a
    /// body the capture lost part of, the declared Content-Length; null when neither is known.
    /// </summary>
    private static long? RepresentationLengthOf(HttpResponse? response, HttpCaching caching) => response?.Body switch
    {
        null => response is null ? null : 0,
        { Incomplete: false } body => body.EncodedLength,
        _ => caching.DeclaredContentLength,
    };
}

/// <summary>The connection an exchange travelled on, from its <see cref="FlowRecord"/>.</summary>
internal sealed record Connection(string ClientAddress, string Server, long FirstPacketNs, long? HandshakeRttNs)
{
    public static Connection From(FlowRecord flow) => new(flow.ClientAddress, flow.Server, flow.FirstPacketNs, flow.HandshakeRttNs);
}

/// <summary>An exchange joined to its connection, with the names every analysis keys on.</summary>
internal sealed record Observed(Exchange Exchange, Connection? Connection)
{
    /// <summary>The client's IP address; "" when the flow record never arrived (a tap fed transactions only).</summary>
    public string Client => Connection?.ClientAddress ?? "";

    /// <summary>The Host header as sent, lower case, or the server endpoint when it was absent or empty (HTTP/1.0 clients).</summary>
    public string Authority { get; } = Exchange.Host?.Trim() is { Length: > 0 } host ? host.ToLowerInvariant() : Connection?.Server ?? "";

    /// <summary>Host without port: what cookie domains are matched against.</summary>
    public string HostName => Web.Sites.HostOf(Authority);

    /// <summary>Scheme-less host and target, the key a cache stores a response under (RFC 9111 §2).</summary>
    public string Url => Exchange.Target switch
    {
        null => Authority,
        { } target when target.StartsWith('/') || target == "*" => Authority + target,
        { } target when Uri.TryCreate(target, UriKind.Absolute, out Uri? uri) => uri.Authority.ToLowerInvariant() + uri.PathAndQuery,
        { } target => target.ToLowerInvariant(),
    };

    public long RequestNs => Exchange.Timings.RequestStartNs ?? Exchange.TimeNs;

    public long ResponseNs => Exchange.Timings.ResponseStartNs ?? Exchange.Timings.ResponseEndNs ?? RequestNs;
}
