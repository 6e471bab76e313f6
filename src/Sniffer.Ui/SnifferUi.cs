using Sniffer.Storage;
using Sniffer.Ui.Views;
using Terminal.Gui.App;
using Terminal.Gui.Input;

namespace Sniffer.Ui;

/// <summary>
/// The terminal UI over a session database (<c>sniffer ui DB</c>, and after <c>open</c>/<c>capture</c>). It only
/// reads: from a database file opened read-only, or — in live mode — from the writer's own database while a
/// capture is being stored, refreshing about twice a second.
/// </summary>
public static class SnifferUi
{
    /// <summary>How often the list in front checks the database for new rows (issue 9: about twice a second).</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Opens <paramref name="databasePath"/> read-only and runs the UI until the user quits.</summary>
    public static void Run(string databasePath)
    {
        using SessionStoreReader reader = SessionStoreReader.Open(databasePath);
        Run(reader, Path.GetFileName(databasePath), liveStatus: null);
    }

    /// <summary>
    /// Runs the UI over <paramref name="reader"/>. <paramref name="liveStatus"/>, when given, is the capture's
    /// state (packets, flows, drops) for the status line; the capture goes on whatever the view does.
    /// </summary>
    public static void Run(SessionStoreReader reader, string title, Func<string>? liveStatus)
    {
        using IApplication app = Application.Create().Init();
        using var window = new MainWindow(reader, $"sniffer — {title}", liveStatus);
        Run(app, window);
    }

    /// <summary>Runs <paramref name="window"/> on <paramref name="app"/> until the user quits.</summary>
    internal static void Run(IApplication app, MainWindow window)
    {
        using IDisposable wiring = Attach(app, window);
        window.FocusList();
        app.Run(window);
    }

    /// <summary>The window's keys and its refresh timer on <paramref name="app"/>; disposing takes them off again.</summary>
    internal static IDisposable Attach(IApplication app, MainWindow window)
    {
        EventHandler<Key> keys = (_, key) => key.Handled = key.Handled || window.HandleKey(key);
        app.Keyboard.KeyDown += keys;
        object? timer = app.AddTimeout(RefreshInterval, () =>
        {
            window.Tick();
            return true;
        });
        return new Detach(() =>
        {
            if (timer is not null) app.RemoveTimeout(timer);
            app.Keyboard.KeyDown -= keys;
        });
    }

    private sealed class Detach(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}
