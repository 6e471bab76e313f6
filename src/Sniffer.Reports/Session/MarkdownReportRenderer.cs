using System.Globalization;
using Sniffer.Reports.Text;

namespace Sniffer.Reports.Session;

/// <summary>
/// A session report as Markdown: the same sections as the HTML report, charts as tables with text bars.
/// Every string from the capture passes through <see cref="MarkdownText.Encode"/>, so it stays literal text
/// inside a table cell (no raw control character, no pipe, no inline HTML).
/// </summary>
public sealed class MarkdownReportRenderer(TextWriter output) : IReportRenderer
{
    private const int BarWidth = 30;
    private const int WaterfallWidth = 40;
    private bool _waterfall;

    public void Begin(string title) => output.Write($"# {MarkdownText.Encode(title)}\n\n");

    public void Section(string title) => output.Write($"## {MarkdownText.Encode(title)}\n\n");

    public void Subsection(string title) => output.Write($"### {MarkdownText.Encode(title)}\n\n");

    public void Paragraph(string text) => output.Write($"{MarkdownText.Encode(text)}\n\n");

    public void Facts(IReadOnlyList<(string Label, string Value)> facts)
    {
        foreach (var (label, value) in facts) output.Write($"- **{MarkdownText.Encode(label)}:** {MarkdownText.Encode(value)}\n");
        output.Write('\n');
    }

    public void Histogram(string title, IReadOnlyList<(string Label, long Count)> buckets)
    {
        if (buckets.Count == 0) return;
        long max = Math.Max(1, buckets.Max(b => b.Count));
        Chart(title, "count", buckets.Select(b => (b.Label, (double)b.Count, b.Count.ToString(CultureInfo.InvariantCulture))), max);
    }

    public void Bars(string title, string unit, IReadOnlyList<(string Label, double Value)> bars)
    {
        if (bars.Count == 0) return;
        Chart(title, unit, bars.Select(b => (b.Label, b.Value, b.Value.ToString("0.###", CultureInfo.InvariantCulture))), bars.Max(b => b.Value));
    }

    public void BeginTable(IReadOnlyList<string> headers, bool waterfall = false)
    {
        _waterfall = waterfall;
        IEnumerable<string> columns = waterfall ? headers.Append("waterfall") : headers;
        output.Write("| " + string.Join(" | ", columns.Select(MarkdownText.Encode)) + " |\n");
        output.Write("|" + string.Concat(columns.Select(_ => "---|")) + "\n");
    }

    public void Row(IReadOnlyList<string?> cells, WaterfallBar? bar = null)
    {
        IEnumerable<string> row = cells.Select(c => MarkdownText.Encode(c));
        if (_waterfall) row = row.Append(bar is null ? "" : "`" + Waterfall(bar) + "`");
        output.Write("| " + string.Join(" | ", row) + " |\n");
    }

    public void EndTable(string? note = null)
    {
        output.Write('\n');
        if (note is not null) output.Write($"*{MarkdownText.Encode(note)}*\n\n");
    }

    public void End() => output.Write("*Written by Sniffer. Captured text is shown escaped; long values are cut (…).*\n");

    private void Chart(string title, string unit, IEnumerable<(string Label, double Value, string Shown)> bars, double max)
    {
        output.Write($"**{MarkdownText.Encode(title)}** ({MarkdownText.Encode(unit)})\n\n| | | |\n|---|---|---:|\n");
        foreach (var (label, value, shown) in bars)
        {
            int length = max <= 0 ? 0 : (int)Math.Round(BarWidth * value / max);
            output.Write($"| {MarkdownText.Encode(label)} | `{new string('█', length)}` | {shown} |\n");
        }
        output.Write('\n');
    }

    /// <summary>The timeline in characters: '.' before the exchange, then c (connect), s (send), w (wait), r (receive).</summary>
    private static string Waterfall(WaterfallBar bar)
    {
        var line = new char[WaterfallWidth];
        Array.Fill(line, '.');
        int position = (int)(Math.Clamp(bar.Start, 0, 1) * WaterfallWidth);
        foreach (WaterfallPhase phase in bar.Phases)
        {
            int cells = phase.Length > 0 ? Math.Max(1, (int)Math.Round(phase.Length * WaterfallWidth)) : 0;
            for (int i = 0; i < cells && position < WaterfallWidth; i++) line[position++] = phase.Name[0];
        }
        return new string(line);
    }
}
