using Sniffer.Analysis.Http.Caching;
using Sniffer.Analysis.Http.Cookies;
using Sniffer.Analysis.Http.Timing;
using Sniffer.Core.Records;

namespace Sniffer.Analysis.Http;

/// <summary>What <see cref="HttpAnalysis"/> found across the transactions of a capture. Immutable.</summary>
public sealed class HttpAnalysisReport
{
    /// <summary>Every client's cookie jar at the end of the capture, by client, domain, path and name.</summary>
    public required IReadOnlyList<CookieJarEntry> CookieJars { get; init; }

    /// <summary>Cookies sent that no Set-Cookie in the capture explains.</summary>
    public required IReadOnlyList<UnseenCookie> UnseenCookies { get; init; }

    public required IReadOnlyList<TrackingIdentifier> TrackingIdentifiers { get; init; }

    /// <summary>Set-Cookie headers a user agent would have ignored (RFC 6265 §5.3 steps 5 and 6).</summary>
    public int RejectedSetCookies { get; init; }

    /// <summary>One per 304 Not Modified, in capture order.</summary>
    public required IReadOnlyList<ConditionalGetSaving> ConditionalGetSavings { get; init; }

    public required ConditionalGetSummary ConditionalGet { get; init; }

    /// <summary>One per exchange, in capture order.</summary>
    public required IReadOnlyList<ObjectTiming> ObjectTimings { get; init; }

    /// <summary>One per HTTP connection, in order of first packet.</summary>
    public required IReadOnlyList<ConnectionReuseSummary> Connections { get; init; }

    /// <summary>The whole capture (<see cref="TimingSummary.Host"/> null).</summary>
    public required TimingSummary Timing { get; init; }

    public required IReadOnlyList<TimingSummary> HostTimings { get; init; }

    /// <summary>Exchanges analysed.</summary>
    public long Exchanges { get; init; }

    /// <summary>Exchanges past <see cref="HttpAnalysisOptions.MaxExchanges"/>, left out of every result.</summary>
    public long ExchangesDropped { get; init; }

    /// <summary>Everything a store keeps, in a stable order: jars, cookies, savings, summaries, connections, objects.</summary>
    public IEnumerable<SnifferRecord> Records() =>
        CookieJars.Cast<SnifferRecord>()
            .Concat(UnseenCookies)
            .Concat(TrackingIdentifiers)
            .Concat(ConditionalGetSavings)
            .Append(ConditionalGet)
            .Concat(Connections)
            .Append(Timing)
            .Concat(HostTimings)
            .Concat(ObjectTimings);
}
