using Sniffer.Core.Records;

namespace Sniffer.Analysis.Http.Caching;

/// <summary>Where the size of what a 304 spared came from, in order of preference.</summary>
public enum SavingBasis
{
    /// <summary>The client's last 200 for the URL, whose validator the conditional request presented.</summary>
    EarlierResponse,

    /// <summary>The 304's own Content-Length, which tells the size a 200 would have had (RFC 9110 §8.6).</summary>
    DeclaredContentLength,

    /// <summary>Neither: the cached copy predates the capture and the server did not say. Never guessed.</summary>
    Unknown,
}

/// <summary>
/// One conditional GET answered 304 Not Modified and what it saved compared with fetching the object again.
/// <see cref="SnifferRecord.FlowId"/> and <see cref="SnifferRecord.TimeNs"/> are the 304's transaction.
/// </summary>
[StoreCollection("conditional_gets")]
public sealed class ConditionalGetSaving : SnifferRecord
{
    public required string Client { get; init; }

    /// <summary>Host (as sent, with port) and request-target without scheme: "www.example.com/index.html".</summary>
    public required string Url { get; init; }

    /// <summary>The transaction's position on its connection (<c>HttpTransaction.Index</c>).</summary>
    public int Index { get; init; }

    /// <summary>"If-None-Match" or "If-Modified-Since": the condition the server evaluated (RFC 9110 §13.2.2).</summary>
    public required string Validator { get; init; }

    /// <summary>Bytes of the representation the client already had; null when unknown.</summary>
    public long? BytesSaved { get; init; }

    public SavingBasis Basis { get; init; }

    /// <summary>The connection that carried the earlier 200, when <see cref="Basis"/> is <see cref="SavingBasis.EarlierResponse"/>.</summary>
    public long? EarlierResponseFlowId { get; init; }

    /// <summary>Response bytes per second over the 304's connection (see <c>ConnectionThroughput</c>); null when that connection gave no measure.</summary>
    public double? ThroughputBytesPerSecond { get; init; }

    /// <summary><see cref="BytesSaved"/> at <see cref="ThroughputBytesPerSecond"/>: the transmission time the 304 spared.</summary>
    public long? TimeSavedNs { get; init; }
}

/// <summary>A URL's 304s and what they saved.</summary>
public sealed record UrlSavings(string Url, int NotModified, long BytesSaved, int UnknownSavings);

/// <summary>A URL whose responses a cache could store but never revalidate (no ETag nor Last-Modified).</summary>
public sealed record ValidatorlessUrl(string Url, int Responses, long Bytes);

/// <summary>Capture-wide conditional GET totals: what revalidation saved, and what could not be revalidated.</summary>
[StoreCollection("summaries", Kind = "conditional_get")]
public sealed class ConditionalGetSummary : SnifferRecord
{
    /// <summary>Requests with If-None-Match or If-Modified-Since.</summary>
    public int Conditional { get; init; }

    public int NotModified { get; init; }

    public int Changed { get; init; }

    public int Other { get; init; }

    /// <summary>Sum over the 304s whose saving is known.</summary>
    public long BytesSaved { get; init; }

    /// <summary>304s whose saving is unknown (<see cref="SavingBasis.Unknown"/>), left out of <see cref="BytesSaved"/>.</summary>
    public int UnknownSavings { get; init; }

    /// <summary>Sum over the 304s whose time saved is known.</summary>
    public long TimeSavedNs { get; init; }

    /// <summary>The URLs that saved most bytes, most first.</summary>
    public required IReadOnlyList<UrlSavings> TopUrls { get; init; }

    /// <summary>Storable responses without a validator (RFC 9111 §3; RFC 9110 §8.8).</summary>
    public int CacheableWithoutValidator { get; init; }

    /// <summary>The URLs with most such responses, most bytes first.</summary>
    public required IReadOnlyList<ValidatorlessUrl> TopValidatorless { get; init; }
}
