using System.Text;
using Sniffer.Core.Text;

namespace Sniffer.Reports.Text;

/// <summary>
/// Captured text made literal in Markdown: control characters become visible escapes (<see cref="SafeText"/>,
/// so a line break cannot end a table row), the characters that act anywhere in a line (emphasis, code, links,
/// inline HTML, entities, table pipes) are backslash-escaped, and so is a start that would open a block (a
/// heading, list, quote or ordered-list number). CommonMark §2.4 allows a backslash before any ASCII punctuation.
/// </summary>
public static class MarkdownText
{
    private const string Inline = "\\`*_[]<>|&~";
    private const string BlockStart = "#-+=>";

    public static string Encode(string? captured)
    {
        if (string.IsNullOrEmpty(captured)) return "";
        string safe = SafeText.Escape(captured);
        var builder = new StringBuilder(safe.Length + 8);
        int digits = 0;
        while (digits < safe.Length && char.IsAsciiDigit(safe[digits])) digits++;
        for (int i = 0; i < safe.Length; i++)
        {
            char c = safe[i];
            bool opensBlock = (i == 0 && BlockStart.Contains(c)) || (i == digits && digits > 0 && c is '.' or ')');
            if (opensBlock || Inline.Contains(c)) builder.Append('\\');
            builder.Append(c);
        }
        return builder.ToString();
    }
}
