using System.Globalization;

namespace Sniffer.Reports.Text;

/// <summary>Numbers as every report format prints them: invariant culture, units spelled out.</summary>
public static class Figures
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>"1.234 ms" (microsecond precision); "–" when unmeasured.</summary>
    public static string Milliseconds(long? nanoseconds) =>
        nanoseconds is { } ns ? (ns / 1_000 / 1_000m).ToString("0.###", Invariant) + " ms" : "–";

    public static string Count(long value) => value.ToString("N0", Invariant);

    /// <summary>"12,345 B", "1.2 MB" (powers of 1000, as network figures are counted).</summary>
    public static string Bytes(long? bytes) => bytes switch
    {
        null => "–",
        < 10_000 => bytes.Value.ToString("N0", Invariant) + " B",
        < 10_000_000 => (bytes.Value / 1e3).ToString("0.#", Invariant) + " kB",
        < 10_000_000_000 => (bytes.Value / 1e6).ToString("0.#", Invariant) + " MB",
        _ => (bytes.Value / 1e9).ToString("0.#", Invariant) + " GB",
    };

    /// <summary>ISO 8601 UTC with milliseconds, the form HAR's startedDateTime uses.</summary>
    public static string Timestamp(long unixNanoseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixNanoseconds / 1_000_000).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", Invariant);

    /// <summary>A bucket bound of a latency histogram: "≤ 2 ms", "≤ 500 µs", "> 10 s".</summary>
    public static string Bound(long nanoseconds) => nanoseconds switch
    {
        long.MaxValue => "> 10 s",
        < 1_000_000 => "≤ " + (nanoseconds / 1_000).ToString(Invariant) + " µs",
        < 1_000_000_000 => "≤ " + (nanoseconds / 1_000_000).ToString(Invariant) + " ms",
        _ => "≤ " + (nanoseconds / 1_000_000_000).ToString(Invariant) + " s",
    };

    public static string Number(long? value) => value?.ToString(Invariant) ?? "";

    /// <summary>Captured text cut for a table cell; the report says where the whole value lives (the store).</summary>
    public static string? Cut(string? text, int maxChars = 120) =>
        text is null || text.Length <= maxChars ? text : text[..maxChars] + "…";
}
