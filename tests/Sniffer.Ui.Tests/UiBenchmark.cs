using System.Diagnostics;
using Sniffer.Core.Records;
using Sniffer.Storage;
using Terminal.Gui.Input;
using Xunit;
using Xunit.Abstractions;

namespace Sniffer.Ui.Tests;

/// <summary>
/// Not a test: the issue's benchmark of the UI over a million HTTP exchanges — time to the first screen, to a
/// filtered screen, to a sorted one and to the last row. Runs only with SNIFFER_BENCH=1; SNIFFER_BENCH_DB names a
/// database to build once and reuse (it takes a while to write a million exchanges).
/// </summary>
public sealed class UiBenchmark(ITestOutputHelper output)
{
    private const int Exchanges = 1_000_000;

    [BenchmarkFact]
    public void First_screen_and_filter_times_over_a_million_exchanges()
    {
        string path = Environment.GetEnvironmentVariable("SNIFFER_BENCH_DB") ?? Path.Combine(Path.GetTempPath(), "sniffer-ui-bench.sniffer.db");
        if (!File.Exists(path)) Build(path);
        output.WriteLine($"database: {new FileInfo(path).Length / 1e6:0} MB, {Exchanges:N0} exchanges");

        var clock = Stopwatch.StartNew();
        var total = Stopwatch.StartNew();
        using var reader = SessionStoreReader.Open(path);
        Report("open the database", clock, true);
        clock.Restart();
        using (new Views.MainWindow(reader, "benchmark", liveStatus: null)) Report("build the window alone: the first page of every list", clock, true);
        clock.Restart();
        var ui = new UiHarness(reader, waitForCounts: false);
        Report("start Terminal.Gui's headless driver and build the window again", clock, true);
        clock.Restart();
        ui.Press(new Key('2'));
        string screen = ui.Screen;
        Report("show the HTTP tab", clock, screen.Contains("/static/", StringComparison.Ordinal));
        Report("first screen of the HTTP tab in all", total, true);

        clock.Restart();
        ui.WaitForCounts();
        Report("background count of all rows", clock, ui.Screen.Contains("1,000,000 rows", StringComparison.Ordinal));

        Measure(ui, "filter on an index: status == 404", () => ui.Window.ApplyFilter("status == 404"));
        Measure(ui, "filter on an index and more: host == host7.example && ttfb > 1ms", () => ui.Window.ApplyFilter("host == host7.example && ttfb > 1ms"));
        Measure(ui, "filter by a scan: uri ~ \"/static/99/\"", () => ui.Window.ApplyFilter("uri ~ \"/static/99/\""));
        Measure(ui, "filter by a regex scan: uri ~ /app\\.js\\?v=7$/", () => ui.Window.ApplyFilter("uri ~ /app\\.js\\?v=7$/"));
        Measure(ui, "clear the filter", () => ui.Window.ApplyFilter(""));
        Measure(ui, "jump to the last row (Ctrl+End)", () => ui.Press(Key.End.WithCtrl));
        Measure(ui, "sort by status (indexed), first screen", () =>
        {
            ui.Press(Key.Home.WithCtrl);
            for (int i = 0; i < 4; i++) ui.Press(Key.CursorRight);
            ui.Press(new Key('s'));
        });
        ui.Dispose();
    }

    private void Measure(UiHarness ui, string what, Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        string screen = ui.Screen;
        TimeSpan firstScreen = clock.Elapsed;
        ui.WaitForCounts();
        output.WriteLine($"{what}: first screen {firstScreen.TotalMilliseconds:N0} ms, with the count {clock.Elapsed.TotalMilliseconds:N0} ms — {HeaderOf(ui.Screen)}");
        Assert.False(string.IsNullOrEmpty(screen));
    }

    private void Report(string what, Stopwatch clock, bool shown) =>
        output.WriteLine($"{what}: {clock.Elapsed.TotalMilliseconds:N0} ms{(shown ? "" : " (expected content missing)")}");

    private static string HeaderOf(string screen) =>
        screen.Split('\n').FirstOrDefault(line => line.Contains(" rows", StringComparison.Ordinal))?.Trim('│', ' ') ?? "";

    private static void Build(string path)
    {
        using var writer = SessionStoreWriter.Open(path);
        writer.BeginCapture(new CaptureSource("benchmark"));
        for (int i = 1; i <= Exchanges; i++)
            writer.Emit(Records.Exchange(i, 1, $"host{i % 50}.example", $"/static/{i % 1000}/app.js?v={i % 10}", i % 97 == 0 ? 404 : i % 10 == 0 ? 304 : 200));
    }
}

/// <summary>A fact that runs only when SNIFFER_BENCH=1 asks for benchmarks.</summary>
public sealed class BenchmarkFactAttribute : FactAttribute
{
    public BenchmarkFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("SNIFFER_BENCH") != "1") Skip = "a benchmark: set SNIFFER_BENCH=1 to run it";
    }
}
