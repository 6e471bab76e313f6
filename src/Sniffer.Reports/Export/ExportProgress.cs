using System.Diagnostics;

namespace Sniffer.Reports.Export;

/// <summary>
/// A progress line for long exports, redrawn in place at most four times a second. Given no terminal (stderr
/// redirected, or in tests) it writes nothing, so logs and pipes never fill with carriage returns.
/// </summary>
public sealed class ExportProgress(TextWriter? terminal) : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private readonly Stopwatch _sinceDrawn = Stopwatch.StartNew();
    private bool _drawn;

    public static ExportProgress None { get; } = new(null);

    /// <summary>Stderr when it is a terminal, otherwise nothing.</summary>
    public static ExportProgress OnTerminal() => new(Console.IsErrorRedirected ? null : Console.Error);

    public void Report(Func<string> line)
    {
        if (terminal is null || _sinceDrawn.Elapsed < Interval) return;
        _sinceDrawn.Restart();
        _drawn = true;
        terminal.Write($"\r{line()}\u001b[K");
    }

    public void Dispose()
    {
        if (_drawn) terminal!.WriteLine();
    }
}
