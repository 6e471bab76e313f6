using Sniffer.Dissectors.Http.Records;

namespace Sniffer.Analysis.Http.Caching;

/// <summary>
/// Replays each client's private cache in capture order: the last 200 per URL with its validators, and for
/// every 304 the representation the client must have held (RFC 9111 §4.3.4: a 304 freshens the stored response).
/// </summary>
/// <remarks>
/// The cache key is the URL alone (RFC 9111 §2). Vary is not followed, so of two variants of one URL the later
/// 200 is taken; the validator check still ties a 304 to the variant whose ETag or date the client presented.
/// </remarks>
internal sealed class ConditionalGetAnalyzer(HttpAnalysisOptions options, IReadOnlyDictionary<long, double> bytesPerNs)
{
    private readonly Dictionary<string, Dictionary<string, Representation>> _caches = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UrlTally> _savingsByUrl = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UrlTally> _validatorless = new(StringComparer.Ordinal);
    private readonly List<ConditionalGetSaving> _savings = [];
    private int _conditional, _notModified, _changed, _other, _cacheableWithoutValidator;

    public IReadOnlyList<ConditionalGetSaving> Savings => _savings;

    public void OnResponse(Observed observed)
    {
        Exchange exchange = observed.Exchange;
        HttpCaching caching = exchange.Caching;
        switch (caching.Revalidation)
        {
            case HttpRevalidation.NotModified:
                _conditional++;
                _notModified++;
                _savings.Add(Saving(observed));
                break;
            case HttpRevalidation.Changed:
                _conditional++;
                _changed++;
                break;
            case HttpRevalidation.Other:
                _conditional++;
                _other++;
                break;
        }
        if (exchange is { Method: "GET", StatusCode: 200, RepresentationLength: { } length }
            && (caching.ETag is not null || caching.LastModified is not null))
        {
            Remember(observed, new Representation(caching.ETag, caching.LastModified, length, exchange.FlowId));
        }
        if (caching.CacheableWithoutValidator)
        {
            _cacheableWithoutValidator++;
            Tally(_validatorless, observed.Url)?.Add(exchange.RepresentationLength ?? 0, known: true);
        }
    }

    public ConditionalGetSummary Summary(long timeNs) => new()
    {
        TimeNs = timeNs,
        Conditional = _conditional,
        NotModified = _notModified,
        Changed = _changed,
        Other = _other,
        BytesSaved = _savings.Sum(s => s.BytesSaved ?? 0),
        UnknownSavings = _savings.Count(s => s.BytesSaved is null),
        TimeSavedNs = _savings.Sum(s => s.TimeSavedNs ?? 0),
        TopUrls = _savingsByUrl
            .OrderByDescending(pair => pair.Value.Bytes).ThenByDescending(pair => pair.Value.Count).ThenBy(pair => pair.Key, StringComparer.Ordinal)
            .Take(options.TopUrls)
            .Select(pair => new UrlSavings(pair.Key, pair.Value.Count, pair.Value.Bytes, pair.Value.Unknown))
            .ToList(),
        CacheableWithoutValidator = _cacheableWithoutValidator,
        TopValidatorless = _validatorless
            .OrderByDescending(pair => pair.Value.Bytes).ThenByDescending(pair => pair.Value.Count).ThenBy(pair => pair.Key, StringComparer.Ordinal)
            .Take(options.TopUrls)
            .Select(pair => new ValidatorlessUrl(pair.Key, pair.Value.Count, pair.Value.Bytes))
            .ToList(),
    };

    private ConditionalGetSaving Saving(Observed observed)
    {
        Exchange exchange = observed.Exchange;
        HttpCaching caching = exchange.Caching;
        Representation? earlier = _caches.GetValueOrDefault(observed.Client)?.GetValueOrDefault(observed.Url);
        bool validated = earlier is not null && Validates(caching, earlier);

        (long? bytes, SavingBasis basis) = validated ? (earlier!.Length, SavingBasis.EarlierResponse)
            : caching.DeclaredContentLength is { } declared ? (declared, SavingBasis.DeclaredContentLength)
            : ((long?)null, SavingBasis.Unknown);
        double? rate = bytesPerNs.TryGetValue(exchange.FlowId, out double measured) ? measured : null;
        Tally(_savingsByUrl, observed.Url)?.Add(bytes ?? 0, known: bytes is not null);

        return new ConditionalGetSaving
        {
            FlowId = exchange.FlowId,
            TimeNs = exchange.TimeNs,
            Client = observed.Client,
            Url = observed.Url,
            Index = exchange.Index,
            Validator = caching.IfNoneMatch is not null ? "If-None-Match" : "If-Modified-Since",
            BytesSaved = bytes,
            Basis = basis,
            EarlierResponseFlowId = validated ? earlier!.FlowId : null,
            ThroughputBytesPerSecond = rate * 1e9,
            TimeSavedNs = bytes is { } saved && rate is { } perNs ? (long)Math.Round(saved / perNs) : null,
        };
    }

    /// <summary>
    /// Whether the conditional request presented the stored response's validator. If-None-Match takes
    /// precedence and makes the server ignore If-Modified-Since (RFC 9110 §13.2.2), and it uses the weak
    /// comparison (§13.1.2, §8.8.3.2). If-Modified-Since is compared as the text the client echoes from
    /// Last-Modified, which is how clients build it (§13.1.3).
    /// </summary>
    private static bool Validates(HttpCaching caching, Representation stored)
    {
        if (caching.IfNoneMatch is { } ifNoneMatch)
        {
            return stored.ETag is { } etag && ifNoneMatch.Split(',', StringSplitOptions.TrimEntries)
                .Any(tag => tag == "*" || WeakEquals(tag, etag));
        }
        return caching.IfModifiedSince?.Trim() is { } since && since == stored.LastModified?.Trim();
    }

    private static bool WeakEquals(string a, string b) => OpaqueTag(a) == OpaqueTag(b);

    private static string OpaqueTag(string tag) => tag.Trim() is var trimmed && trimmed.StartsWith("W/", StringComparison.Ordinal) ? trimmed[2..] : trimmed;

    private void Remember(Observed observed, Representation representation)
    {
        if (!_caches.TryGetValue(observed.Client, out Dictionary<string, Representation>? cache))
            _caches[observed.Client] = cache = new Dictionary<string, Representation>(StringComparer.Ordinal);
        if (cache.Count < options.MaxUrlsPerClient || cache.ContainsKey(observed.Url)) cache[observed.Url] = representation;
    }

    /// <summary>The tally of <paramref name="url"/>, or null once the table is full and the URL is new.</summary>
    private UrlTally? Tally(Dictionary<string, UrlTally> table, string url)
    {
        if (table.TryGetValue(url, out UrlTally? tally)) return tally;
        if (table.Count >= options.MaxUrlsPerClient) return null;
        return table[url] = new UrlTally();
    }

    private sealed record Representation(string? ETag, string? LastModified, long Length, long FlowId);

    private sealed class UrlTally
    {
        public int Count { get; private set; }
        public long Bytes { get; private set; }
        public int Unknown { get; private set; }

        public void Add(long bytes, bool known)
        {
            Count++;
            Bytes += bytes;
            if (!known) Unknown++;
        }
    }
}
