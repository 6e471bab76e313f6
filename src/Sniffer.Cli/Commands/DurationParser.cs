using System.Globalization;
using System.CommandLine.Parsing;

namespace Sniffer.Cli.Commands;

/// <summary>Parses durations the way people type them: 500ms, 30s, 5m, 1h (a bare number is seconds).</summary>
internal static class DurationParser
{
    private static readonly (string Suffix, double Seconds)[] Units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];

    public static TimeSpan? Parse(ArgumentResult result)
    {
        string text = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value.Trim();
        if (TryParse(text, out TimeSpan duration)) return duration;
        result.AddError($"'{text}' is not a duration; use e.g. 500ms, 30s, 5m or 1h");
        return null;
    }

    public static bool TryParse(string text, out TimeSpan duration)
    {
        foreach (var (suffix, seconds) in Units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && !(suffix == "s" && text.EndsWith("ms", StringComparison.OrdinalIgnoreCase))
                && TryPositive(text[..^suffix.Length], out double value))
            {
                duration = TimeSpan.FromSeconds(value * seconds);
                return true;
            }
        }
        if (TryPositive(text, out double bare))
        {
            duration = TimeSpan.FromSeconds(bare);
            return true;
        }
        duration = default;
        return false;
    }

    private static bool TryPositive(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && value > 0 && double.IsFinite(value);
}
