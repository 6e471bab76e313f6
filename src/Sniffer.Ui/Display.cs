using System.Globalization;
using Sniffer.Core.Text;

namespace Sniffer.Ui;

/// <summary>
/// How numbers, times and captured text appear on screen. Every string that came from a capture reaches a view
/// through <see cref="Safe"/>, so an escape sequence in a header shows as <c>\x1b[2J</c> instead of clearing the screen.
/// </summary>
internal static class Display
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Safe(string? captured) => captured is null ? "" : SafeText.Escape(captured);

    /// <summary>Captured text of several lines: each line escaped, the line breaks kept as breaks.</summary>
    public static string SafeLines(string captured) =>
        string.Join('\n', captured.ReplaceLineEndings("\n").Split('\n').Select(SafeText.Escape));

    /// <summary>Time of day (UTC) to the millisecond: what a list needs to tell rows apart.</summary>
    public static string Clock(long? unixNs) => unixNs is { } ns ? Instant(ns).ToString("HH:mm:ss.fff", Invariant) : "";

    /// <summary>Date and time (UTC) to the microsecond.</summary>
    public static string Timestamp(long? unixNs) => unixNs is { } ns ? Instant(ns).ToString("yyyy-MM-dd HH:mm:ss.ffffff", Invariant) + " UTC" : "";

    private static DateTime Instant(long unixNs) => DateTime.UnixEpoch.AddTicks(unixNs / 100);

    public static string Duration(long? ns) => ns switch
    {
        null => "",
        < 1_000 and > -1_000 => $"{ns} ns",
        < 1_000_000 and > -1_000_000 => (ns.Value / 1e3).ToString("0.#", Invariant) + " µs",
        < 1_000_000_000 and > -1_000_000_000 => (ns.Value / 1e6).ToString(ns < 10_000_000 ? "0.##" : "0.#", Invariant) + " ms",
        _ => (ns.Value / 1e9).ToString("0.###", Invariant) + " s",
    };

    public static string Size(long? bytes) => bytes switch
    {
        null => "",
        < 1_000 => $"{bytes} B",
        < 1_000_000 => (bytes.Value / 1e3).ToString("0.#", Invariant) + " kB",
        < 1_000_000_000 => (bytes.Value / 1e6).ToString("0.#", Invariant) + " MB",
        _ => (bytes.Value / 1e9).ToString("0.##", Invariant) + " GB",
    };

    public static string Count(long count) => count.ToString("N0", Invariant);
}
