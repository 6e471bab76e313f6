using System.Drawing;
using Sniffer.TestSupport;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;
using Xunit;

namespace Sniffer.Ui.Tests;

public sealed class MouseTests : IDisposable
{
    private readonly TestDatabase _database = new([Path.Combine(RepositoryPaths.Captures, "tcp", "http-keepalive.pcap")]);

    public void Dispose() => _database.Dispose();

    [Fact]
    public void Clicking_a_row_selects_it_and_shows_its_details()
    {
        using var reader = _database.OpenReader();
        using var ui = new UiHarness(reader);
        ui.Press(new Key('2'));
        string[] lines = ui.Screen.Split('\n');
        int thirdRow = Array.FindIndex(lines, line => line.Contains("304", StringComparison.Ordinal) && line.Contains("/index.html", StringComparison.Ordinal));
        Assert.True(thirdRow > 0);

        ui.App.InjectSequence(InputInjectionExtensions.LeftButtonClick(new Point(20, thirdRow)));
        ui.App.LayoutAndDraw();

        Assert.Equal(2, ui.Window.CurrentList!.Table.Value!.SelectedCell.Y);
        Assert.Contains("HTTP/1.1 304", ui.Window.CurrentList.Details.Text);
    }
}
