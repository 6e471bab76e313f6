using System.Runtime.CompilerServices;
using Sniffer.Storage;
using Sniffer.Ui.Views;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;

namespace Sniffer.Ui.Tests;

/// <summary>
/// The real main window on Terminal.Gui's ANSI driver with no terminal behind it (DisableRealDriverIO), a fixed
/// screen, the same key and timer wiring as <c>sniffer ui</c>, and keys injected as a user would type them.
/// </summary>
public sealed class UiHarness : IDisposable
{
    public const int Width = 120;
    public const int Height = 40;

    private readonly IApplication _app;
    private readonly IDisposable _wiring;
    private readonly SessionToken? _session;

    [ModuleInitializer]
    internal static void NoRealTerminal() => Environment.SetEnvironmentVariable("DisableRealDriverIO", "1");

    internal UiHarness(SessionStoreReader reader, Func<string>? liveStatus = null, bool waitForCounts = true)
    {
        _app = Application.Create().Init(DriverRegistry.Names.ANSI);
        _app.Driver!.SetScreenSize(Width, Height);
        Window = new MainWindow(reader, "sniffer — test", liveStatus);
        _wiring = SnifferUi.Attach(_app, Window);
        _session = _app.Begin(Window);
        Window.FocusList();
        if (waitForCounts) WaitForCounts();
    }

    internal MainWindow Window { get; }

    internal IApplication App => _app;

    /// <summary>The screen as text, one line per row.</summary>
    public string Screen
    {
        get
        {
            _app.LayoutAndDraw();
            return _app.Driver!.ToString()!;
        }
    }

    public void Press(Key key)
    {
        _app.InjectKey(key);
        _app.LayoutAndDraw();
    }

    public void Type(string text)
    {
        foreach (char c in text) _app.InjectKey(new Key(c));
        _app.LayoutAndDraw();
    }

    /// <summary>Lets the background row counts finish and the refresh tick show them, as the timer would.</summary>
    public void WaitForCounts()
    {
        foreach (ListPage page in Window.Pages.Append(Window.AnomalyPage))
            page.Source?.CountTask.Wait(TimeSpan.FromSeconds(30));
        Window.Tick();
        _app.LayoutAndDraw();
    }

    /// <summary>
    /// Lets the Timing tab's background computation finish and the refresh tick show it. A blocking, bounded wait and
    /// not an await: Terminal.Gui's MainLoopSyncContext is current on the test's thread, so an await's continuation
    /// (its timeout's too) would wait for a main-loop iteration nobody runs. A test that awaited here hung forever in CI
    /// whenever the timings were not ready in time (dotnet-dump's dumpasync showed it parked on that await).
    /// </summary>
    public void WaitForTimings()
    {
        Xunit.Assert.True(Window.TimingReady.Wait(TimeSpan.FromSeconds(30)), "the Timing tab's text was not computed within 30 s");
        Window.Tick();
        _app.LayoutAndDraw();
    }

    public void Dispose()
    {
        if (_session is not null) _app.End(_session);
        _wiring.Dispose();
        Window.Dispose();
        _app.Dispose();
    }
}
