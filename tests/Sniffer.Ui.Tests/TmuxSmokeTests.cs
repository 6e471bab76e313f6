using System.Diagnostics;
using Sniffer.TestSupport;
using Xunit;

namespace Sniffer.Ui.Tests;

/// <summary>
/// The real <c>sniffer ui</c> in a real terminal: tmux runs it at 120×40, keys go in with send-keys and the screen
/// comes back with capture-pane. Skipped where tmux is not installed.
/// </summary>
public sealed class TmuxSmokeTests : IDisposable
{
    internal static readonly string? Tmux = new[] { "/usr/bin/tmux", "/usr/local/bin/tmux" }.FirstOrDefault(File.Exists);
    private readonly TestDatabase _database = new([Path.Combine(RepositoryPaths.Captures, "tcp", "http-keepalive.pcap")], [Records.Hostile(5)]);
    private readonly string _session = $"sniffer-ui-smoke-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40];

    public void Dispose()
    {
        RunTmux("kill-session", "-t", _session);
        _database.Dispose();
    }

    [TmuxFact]
    public void Sniffer_ui_starts_in_tmux_filters_and_quits()
    {
        string sniffer = Path.Combine(AppContext.BaseDirectory, "sniffer.dll");
        string exitFile = Path.Combine(_database.Folder, "exit-code");
        // The shell records sniffer's exit code, then holds the pane open so a crash's output can be captured. The test
        // process tells Terminal.Gui not to touch a terminal (DisableRealDriverIO); the real one in tmux must.
        string command = $"env -u DisableRealDriverIO dotnet '{sniffer}' ui '{_database.Path}'; echo $? > '{exitFile}'; sleep 60";
        RunTmux("new-session", "-d", "-s", _session, "-x", "120", "-y", "40", command);

        string screen = WaitForScreen(s => s.Contains("Flows: 1 rows", StringComparison.Ordinal));
        AssertShows("192.0.2.10:51000", screen);
        AssertShows("q  Quit", screen);

        RunTmux("send-keys", "-t", _session, "2");
        screen = WaitForScreen(s => s.Contains("HTTP: 4 rows", StringComparison.Ordinal));
        AssertShows(@"evil\x1b[2J.example", screen);
        AssertShows("/logo.png", screen);

        RunTmux("send-keys", "-t", _session, "/");
        RunTmux("send-keys", "-t", _session, "-l", "status == 304");
        RunTmux("send-keys", "-t", _session, "Enter");
        screen = WaitForScreen(s => s.Contains("HTTP: 1 rows · filter: http.status == 304", StringComparison.Ordinal));
        Assert.False(screen.Contains("/logo.png", StringComparison.Ordinal), $"the filtered list still shows /logo.png:\n{screen}");

        RunTmux("send-keys", "-t", _session, "q");
        WaitFor(() => File.Exists(exitFile) && File.ReadAllText(exitFile).Trim().Length > 0, "sniffer ui to exit after q");
        Assert.Equal("0", File.ReadAllText(exitFile).Trim());
        Assert.DoesNotContain("Exception", Capture());
    }

    /// <summary>
    /// Waits for a screen that shows what the test waits for and is steady: the same on two captures in a row.
    /// The terminal may be caught mid-frame, with a new header above rows not yet redrawn, and a test must not judge
    /// such a half-drawn screen.
    /// </summary>
    private string WaitForScreen(Func<string, bool> ready)
    {
        string previous = "", screen = "";
        WaitFor(() =>
        {
            previous = screen;
            screen = Capture();
            return ready(screen) && screen == previous;
        }, "a steady screen showing what the test waits for", () => screen);
        return screen;
    }

    /// <summary>Like Assert.Contains, but a failure prints the whole screen rather than its first line.</summary>
    private static void AssertShows(string expected, string screen) =>
        Assert.True(screen.Contains(expected, StringComparison.Ordinal), $"the screen does not show \"{expected}\":\n{screen}");

    private static void WaitFor(Func<bool> condition, string what, Func<string>? lastScreen = null)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"waited 60 s for {what}:\n{lastScreen?.Invoke()}");
            Thread.Sleep(200);
        }
    }

    private string Capture() => RunTmux("capture-pane", "-p", "-t", _session);

    private static string RunTmux(params string[] arguments)
    {
        if (Tmux is null) return "";
        var start = new ProcessStartInfo(Tmux) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        if (!process.WaitForExit(10_000)) process.Kill();
        return output;
    }
}

/// <summary>A fact that runs only where tmux is installed, and says so when skipped.</summary>
public sealed class TmuxFactAttribute : FactAttribute
{
    public TmuxFactAttribute()
    {
        if (TmuxSmokeTests.Tmux is null) Skip = "tmux is not installed (/usr/bin/tmux)";
    }
}
