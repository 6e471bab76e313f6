namespace Sniffer.Analysis.Http;

/// <summary>
/// The limits that keep <see cref="HttpAnalysis"/> bounded in memory on any capture. Every table grows by a few
/// entries at most per exchange, so <see cref="MaxExchanges"/> bounds them all; the per-table limits bound them
/// further where one client or one page multiplies entries. Past a limit the analysis goes on with less detail;
/// it never stops the pipeline.
/// </summary>
public sealed record HttpAnalysisOptions
{
    public static HttpAnalysisOptions Default { get; } = new();

    /// <summary>
    /// Exchanges kept for the capture-wide join (a few hundred bytes each: headers and bodies are not kept).
    /// Later ones are counted in <see cref="HttpAnalysisReport.ExchangesDropped"/> and not analysed.
    /// </summary>
    public int MaxExchanges { get; init; } = 1_000_000;

    /// <summary>
    /// Cookies per client jar. RFC 6265 §6.1 asks user agents for at least 3000 in all; past it the cookie
    /// created first is evicted, as §5.3 step 12 lets a user agent do.
    /// </summary>
    public int MaxCookiesPerClient { get; init; } = 3000;

    /// <summary>
    /// URLs remembered per client for conditional GET, and per URL table in the summaries. A 304 for a URL
    /// that could not be remembered falls back to its Content-Length, else its saving is unknown.
    /// </summary>
    public int MaxUrlsPerClient { get; init; } = 10_000;

    /// <summary>Cookie values followed across referring sites; further values are not followed.</summary>
    public int MaxTrackedValues { get; init; } = 100_000;

    /// <summary>Hosts with a timing summary of their own; the rest share one named "(other hosts)".</summary>
    public int MaxHosts { get; init; } = 1000;

    /// <summary>Entries in the "top URLs" lists.</summary>
    public int TopUrls { get; init; } = 10;

    /// <summary>
    /// Shortest cookie value taken for an identifier. Shorter values ("1", "en-US", "dark") carry too little
    /// to single out a user even when they travel across sites.
    /// </summary>
    public int MinimumIdentifierLength { get; init; } = 8;
}
