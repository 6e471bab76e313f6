using Sniffer.TestSupport;
using Sniffer.Ui.Views;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;
using Xunit;

namespace Sniffer.Ui.Tests;

public sealed class QuitTests : IDisposable
{
    private readonly TestDatabase _database = new([Path.Combine(RepositoryPaths.Captures, "tcp", "http-keepalive.pcap")]);

    public void Dispose() => _database.Dispose();

    [Fact]
    public void Q_ends_the_run_loop_and_the_window_with_its_tabs_disposes_cleanly()
    {
        using var reader = _database.OpenReader();
        using IApplication app = Application.Create().Init(DriverRegistry.Names.ANSI);
        app.Driver!.SetScreenSize(UiHarness.Width, UiHarness.Height);
        var window = new MainWindow(reader, "quit test", liveStatus: null);
        bool sawHttp = false;
        int ticks = 0;
        // Keys go in from inside the loop, as a terminal's would; a bound on the ticks ends a test that fails to quit.
        app.AddTimeout(TimeSpan.FromMilliseconds(20), () =>
        {
            ticks++;
            if (ticks == 1) app.InjectKey(new Key('2'));
            else if (ticks == 2) sawHttp = window.CurrentList?.CurrentList.Name == "HTTP";
            else if (ticks == 3) app.InjectKey(new Key('q'));
            else if (ticks > 500) app.RequestStop(window);
            return true;
        });

        SnifferUi.Run(app, window);

        Assert.True(sawHttp);
        Assert.InRange(ticks, 3, 500);
        Assert.False(window.IsRunning);
        window.Dispose();
        Assert.Empty(window.Tabs.TabCollection);
    }
}
