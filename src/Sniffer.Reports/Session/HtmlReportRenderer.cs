using System.Globalization;
using Sniffer.Reports.Text;

namespace Sniffer.Reports.Session;

/// <summary>
/// A session report as one self-contained HTML file: inline CSS, charts as inline SVG, no script and nothing
/// fetched, so it opens offline and a captured string can never run. Every string from the capture passes
/// through <see cref="HtmlText.Encode"/>; none is ever placed in a URL, script or style context.
/// </summary>
public sealed class HtmlReportRenderer(TextWriter output) : IReportRenderer
{
    private const int ChartWidth = 640;
    private const int BarHeight = 18;
    private const int WaterfallWidth = 240;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private bool _waterfall;

    private const string Style = """
        body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:1400px}
        h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;margin-top:2em}
        table{border-collapse:collapse;margin:.5em 0;font-size:12px}
        th,td{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top;max-width:420px;overflow-wrap:anywhere}
        th{background:#f3f3f3}dl{display:grid;grid-template-columns:max-content auto;gap:2px 1em}dt{font-weight:600}dd{margin:0}
        .note{color:#666;font-style:italic}svg text{font:11px sans-serif}
        .connect{fill:#f0a030}.send{fill:#50a0e0}.wait{fill:#40b070}.receive{fill:#8060c0}.bar{fill:#5080c0}
        """;

    public void Begin(string title)
    {
        output.Write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        // No script may run even if an escaping bug slipped through: the policy forbids every script and every fetch.
        output.Write("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">");
        output.Write($"<title>{HtmlText.Encode(title)}</title><style>{Style}</style></head><body>\n<h1>{HtmlText.Encode(title)}</h1>\n");
    }

    public void Section(string title) => output.Write($"<h2>{HtmlText.Encode(title)}</h2>\n");

    public void Subsection(string title) => output.Write($"<h3>{HtmlText.Encode(title)}</h3>\n");

    public void Paragraph(string text) => output.Write($"<p>{HtmlText.Encode(text)}</p>\n");

    public void Facts(IReadOnlyList<(string Label, string Value)> facts)
    {
        output.Write("<dl>");
        foreach (var (label, value) in facts) output.Write($"<dt>{HtmlText.Encode(label)}</dt><dd>{HtmlText.Encode(value)}</dd>");
        output.Write("</dl>\n");
    }

    public void Histogram(string title, IReadOnlyList<(string Label, long Count)> buckets)
    {
        if (buckets.Count == 0) return;
        const int height = 160, top = 32, labelSpace = 40, widest = 64;
        double width = Math.Min(widest, (double)ChartWidth / buckets.Count);
        long max = Math.Max(1, buckets.Max(b => b.Count));
        output.Write($"<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{ChartWidth}\" height=\"{height + top + labelSpace}\" role=\"img\">");
        output.Write($"<text x=\"0\" y=\"14\">{HtmlText.Encode(title)} (count per bucket)</text>");
        for (int i = 0; i < buckets.Count; i++)
        {
            double barHeight = height * buckets[i].Count / (double)max;
            double x = i * width;
            output.Write($"<rect class=\"bar\" x=\"{F(x + 1)}\" y=\"{F(top + height - barHeight)}\" width=\"{F(width - 2)}\" height=\"{F(barHeight)}\">" +
                $"<title>{HtmlText.Encode(buckets[i].Label)}: {buckets[i].Count}</title></rect>");
            if (buckets[i].Count > 0) output.Write($"<text x=\"{F(x + 2)}\" y=\"{F(top + height - barHeight - 2)}\">{buckets[i].Count}</text>");
            output.Write($"<text x=\"{F(x + 2)}\" y=\"{top + height + 14 + i % 2 * 14}\">{HtmlText.Encode(buckets[i].Label)}</text>");
        }
        output.Write("</svg></figure>\n");
    }

    public void Bars(string title, string unit, IReadOnlyList<(string Label, double Value)> bars)
    {
        if (bars.Count == 0) return;
        const int labelWidth = 220, top = 20;
        double max = Math.Max(double.Epsilon, bars.Max(b => b.Value));
        output.Write($"<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{ChartWidth + labelWidth}\" height=\"{top + bars.Count * BarHeight + 4}\" role=\"img\">");
        output.Write($"<text x=\"0\" y=\"14\">{HtmlText.Encode(title)} ({HtmlText.Encode(unit)})</text>");
        for (int i = 0; i < bars.Count; i++)
        {
            double y = top + i * BarHeight;
            double length = (ChartWidth - 80) * bars[i].Value / max;
            output.Write($"<text x=\"0\" y=\"{F(y + 13)}\">{HtmlText.Encode(Figures.Cut(bars[i].Label, 34))}</text>");
            output.Write($"<rect class=\"bar\" x=\"{labelWidth}\" y=\"{F(y + 2)}\" width=\"{F(length)}\" height=\"{BarHeight - 4}\"/>");
            output.Write($"<text x=\"{F(labelWidth + length + 4)}\" y=\"{F(y + 13)}\">{bars[i].Value.ToString("0.###", Invariant)}</text>");
        }
        output.Write("</svg></figure>\n");
    }

    public void BeginTable(IReadOnlyList<string> headers, bool waterfall = false)
    {
        _waterfall = waterfall;
        output.Write("<table><thead><tr>");
        foreach (string header in headers) output.Write($"<th>{HtmlText.Encode(header)}</th>");
        if (waterfall) output.Write("<th>waterfall</th>");
        output.Write("</tr></thead><tbody>\n");
    }

    public void Row(IReadOnlyList<string?> cells, WaterfallBar? bar = null)
    {
        output.Write("<tr>");
        foreach (string? cell in cells) output.Write($"<td>{HtmlText.Encode(cell)}</td>");
        if (_waterfall) output.Write($"<td>{(bar is null ? "" : Waterfall(bar))}</td>");
        output.Write("</tr>\n");
    }

    public void EndTable(string? note = null)
    {
        output.Write("</tbody></table>\n");
        if (note is not null) output.Write($"<p class=\"note\">{HtmlText.Encode(note)}</p>\n");
    }

    public void End() => output.Write("<p class=\"note\">Written by Sniffer. Captured text is shown escaped; long values are cut (…).</p>\n</body></html>\n");

    /// <summary>The phases as adjacent rectangles; a phase too short to see still gets a sliver, so a bar never vanishes.</summary>
    private static string Waterfall(WaterfallBar bar)
    {
        var svg = new System.Text.StringBuilder($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WaterfallWidth}\" height=\"10\">");
        double x = Math.Clamp(bar.Start, 0, 1) * WaterfallWidth;
        foreach (WaterfallPhase phase in bar.Phases)
        {
            double width = Math.Max(phase.Length * WaterfallWidth, phase.Length > 0 ? 0.5 : 0);
            if (width == 0) continue;
            svg.Append($"<rect class=\"{phase.Name}\" x=\"{F(x)}\" y=\"1\" width=\"{F(width)}\" height=\"8\"><title>{phase.Name}</title></rect>");
            x += width;
        }
        return svg.Append("</svg>").ToString();
    }

    private static string F(double value) => value.ToString("0.##", Invariant);
}
