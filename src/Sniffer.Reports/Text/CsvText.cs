using Sniffer.Core.Text;

namespace Sniffer.Reports.Text;

/// <summary>CSV fields as RFC 4180 §2 quotes them, with captured text defused for spreadsheets.</summary>
public static class CsvText
{
    /// <summary>A field quoted when it holds a comma, a quote or a line break (RFC 4180 §2 rules 6 and 7).</summary>
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    /// <summary>
    /// Captured text as a field. Control characters become visible escapes first (<see cref="SafeText"/>; a tab or
    /// CR can no longer lead a cell). Spreadsheet programs run a cell that starts with = + - @ as a formula (OWASP's
    /// "CSV Injection"), so such a cell gets a leading apostrophe, which they show as text.
    /// </summary>
    public static string Captured(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        string safe = SafeText.Escape(value);
        return Field(safe[0] is '=' or '+' or '-' or '@' ? "'" + safe : safe);
    }
}
