using Terminal.Gui.Input;
using Xunit;

namespace Sniffer.Ui.Tests;

/// <summary>Captured text never reaches the terminal raw (issue 9 item 7): escapes show as visible text.</summary>
public sealed class SafetyTests : IDisposable
{
    private readonly TestDatabase _database = new([], [Records.Hostile(1), Records.Anomaly(1, $"detail{Records.ClearScreen}")]);

    public void Dispose() => _database.Dispose();

    [Fact]
    public void A_header_holding_ESC_2J_renders_as_visible_text()
    {
        using var reader = _database.OpenReader();
        using var ui = new UiHarness(reader);
        ui.Press(new Key('2'));

        string screen = ui.Screen;
        Assert.Contains(@"evil\x1b[2J.example", screen);   // the list's Host cell
        Assert.Contains(@"X-Evil: before\x1b[2Jafter\x1b]0;owned\x07", screen); // the details pane's header line
        Assert.DoesNotContain('\u001b', screen);
        Assert.DoesNotContain('\u0007', screen);
        Assert.DoesNotContain('␛', screen); // escaped by Sniffer, not merely replaced by the driver

        ui.Press(new Key('f'));
        Assert.Contains(@"→ GET /x\x1b[2J HTTP/1.1", ui.Screen);
        ui.Press(new Key('6'));
        Assert.Contains(@"detail\x1b[2J", ui.Screen);
    }

    [Fact]
    public void A_filter_with_a_control_character_is_shown_escaped()
    {
        using var reader = _database.OpenReader();
        using var ui = new UiHarness(reader);
        ui.Press(new Key('2'));
        ui.Window.ApplyFilter("host ~ \"\u001b[2J\"");
        ui.WaitForCounts();

        string screen = ui.Screen;
        Assert.Contains(@"filter: http.host ~ ""\x1b[2J""", screen);
        Assert.Contains("HTTP: 1 rows", screen);
        Assert.DoesNotContain('\u001b', screen);
    }
}
