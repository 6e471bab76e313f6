using System.Globalization;
using System.Text.RegularExpressions;

namespace Sniffer.Query;

/// <summary>Turns a literal as written into a field's base unit: bytes, nanoseconds, Unix nanoseconds.</summary>
internal static partial class Literals
{
    private static readonly Dictionary<string, long> DurationUnits = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ns"] = 1,
        ["us"] = 1_000,
        ["µs"] = 1_000,
        ["ms"] = 1_000_000,
        ["s"] = 1_000_000_000,
        ["min"] = 60_000_000_000,
        ["h"] = 3_600_000_000_000,
    };

    // Decimal units are powers of 1000 and binary ones of 1024 (IEC 80000-13), as `ls --si` and `ls -h` differ.
    private static readonly Dictionary<string, long> SizeUnits = new(StringComparer.OrdinalIgnoreCase)
    {
        ["B"] = 1,
        ["KB"] = 1_000,
        ["MB"] = 1_000_000,
        ["GB"] = 1_000_000_000,
        ["TB"] = 1_000_000_000_000,
        ["KiB"] = 1L << 10,
        ["MiB"] = 1L << 20,
        ["GiB"] = 1L << 30,
        ["TiB"] = 1L << 40,
    };

    public static string DurationUnitNames => string.Join(", ", DurationUnits.Keys);

    public static string SizeUnitNames => string.Join(", ", SizeUnits.Keys);

    [GeneratedRegex(@"^(?<number>\d+(\.\d*)?|\.\d+)(?<unit>[A-Za-zµ]*)$")]
    private static partial Regex NumberWithUnit();

    /// <summary>The value of <paramref name="text"/> for a field of <paramref name="field"/>'s type; the error says why not.</summary>
    public static long Convert(FieldDefinition field, string text, out string? error)
    {
        error = null;
        if (field.Type == FieldType.Timestamp) return Timestamp(field, text, out error);
        Match match = NumberWithUnit().Match(text);
        if (!match.Success)
        {
            error = $"{field.Name} is {Article(field.Type)}; '{text}' is not a number";
            return 0;
        }
        decimal number = decimal.Parse(match.Groups["number"].Value, CultureInfo.InvariantCulture);
        string unit = match.Groups["unit"].Value;
        switch (field.Type)
        {
            case FieldType.Number when unit.Length == 0:
                if (number == decimal.Truncate(number)) return Scale(number, 1, text, out error);
                error = $"{field.Name} takes a whole number, not '{text}'";
                return 0;
            case FieldType.Number:
                error = DurationUnits.ContainsKey(unit) || SizeUnits.ContainsKey(unit)
                    ? $"{field.Name} is a plain number; remove the unit '{unit}'"
                    : $"{field.Name} is a number; '{text}' is not a number";
                return 0;
            case FieldType.Size:
                if (unit.Length == 0) return Scale(number, 1, text, out error);
                if (SizeUnits.TryGetValue(unit, out long bytes)) return Scale(number, bytes, text, out error);
                error = $"'{unit}' is not a size unit (use {SizeUnitNames})";
                return 0;
            case FieldType.Duration:
                if (DurationUnits.TryGetValue(unit, out long nanoseconds)) return Scale(number, nanoseconds, text, out error);
                error = unit.Length == 0
                    ? $"{field.Name} is a duration: give a unit, e.g. {text}ms"
                    : $"'{unit}' is not a time unit (use {DurationUnitNames})";
                return 0;
            default:
                error = $"{field.Name} is text, not a number";
                return 0;
        }
    }

    private static long Scale(decimal number, long unit, string text, out string? error)
    {
        error = null;
        try
        {
            return (long)decimal.Round(number * unit);
        }
        catch (OverflowException)
        {
            error = $"'{text}' is too large";
            return 0;
        }
    }

    /// <summary>An ISO 8601 date-time (UTC unless it carries an offset) or Unix seconds with an optional fraction.</summary>
    private static long Timestamp(FieldDefinition field, string text, out string? error)
    {
        error = null;
        if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal seconds))
            return Scale(seconds, 1_000_000_000, text, out error);
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset time))
            return (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        error = $"{field.Name} is a time: write 2024-05-01T10:00:00Z or Unix seconds, not '{text}'";
        return 0;
    }

    public static string Article(FieldType type) => type switch
    {
        FieldType.Number => "a number",
        FieldType.Size => "a size",
        FieldType.Duration => "a duration",
        FieldType.Timestamp => "a time",
        _ => "text",
    };
}
