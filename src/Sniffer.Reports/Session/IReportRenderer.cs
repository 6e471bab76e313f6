namespace Sniffer.Reports.Session;

/// <summary>
/// One bar of a transaction waterfall: where the exchange starts on the capture's timeline and how long each
/// phase lasts, both as fractions of the timeline (0–1), so every renderer scales it to its own width.
/// </summary>
public sealed record WaterfallBar(double Start, IReadOnlyList<WaterfallPhase> Phases);

/// <summary>A phase of an exchange as HAR names them: connect, send, wait, receive.</summary>
public sealed record WaterfallPhase(string Name, double Length);

/// <summary>
/// What a session report is made of, independent of its format. The composer (<see cref="SessionReport"/>) walks the
/// store once and calls these in order; each format renders them as it arrives, so a report of any size is
/// written without being held. Every string passed in may come from a capture: renderers escape all of them.
/// </summary>
public interface IReportRenderer
{
    void Begin(string title);

    void Section(string title);

    void Subsection(string title);

    void Paragraph(string text);

    void Facts(IReadOnlyList<(string Label, string Value)> facts);

    /// <summary>A distribution as counts per bucket, in bucket order.</summary>
    void Histogram(string title, IReadOnlyList<(string Label, long Count)> buckets);

    /// <summary>One value per label (per-host timings, bytes per protocol).</summary>
    void Bars(string title, string unit, IReadOnlyList<(string Label, double Value)> bars);

    /// <summary>Starts a table; with <paramref name="waterfall"/> each row may carry a <see cref="WaterfallBar"/> in a last column.</summary>
    void BeginTable(IReadOnlyList<string> headers, bool waterfall = false);

    void Row(IReadOnlyList<string?> cells, WaterfallBar? bar = null);

    /// <summary>Ends the table; <paramref name="note"/> says what was left out (a row cap).</summary>
    void EndTable(string? note = null);

    void End();
}
