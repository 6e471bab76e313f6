using Sniffer.Core.Records;
using Sniffer.Storage;
using Terminal.Gui.Input;
using Xunit;

namespace Sniffer.Ui.Tests;

public sealed class LiveAndPagingTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"sniffer-ui-live-{Guid.NewGuid():N}");

    public LiveAndPagingTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Live_mode_shows_new_rows_and_keeps_the_selection_and_the_scroll_position()
    {
        using var writer = SessionStoreWriter.Open(Path.Combine(_folder, "live.sniffer.db"));
        writer.BeginCapture(new CaptureSource("live"));
        for (int i = 1; i <= 50; i++) writer.Emit(Records.Exchange(i, 1, $"host{i}.example", "/", 200));
        writer.Flush();
        SessionStoreReader reader = writer.CreateReader();
        using var ui = new UiHarness(reader, liveStatus: () => "capturing: 123 packets, 50 flows, 0 dropped");
        ui.Press(new Key('2'));
        ui.WaitForCounts();
        for (int i = 0; i < 40; i++) ui.Press(Key.CursorDown);
        int rowOffset = ui.Window.CurrentList!.Table.RowOffset;
        Assert.True(rowOffset > 0);
        Assert.Contains("HTTP: 50 rows", ui.Screen);

        for (int i = 51; i <= 80; i++) writer.Emit(Records.Exchange(i, 1, $"host{i}.example", "/", 200));
        writer.Flush();
        ui.Window.Tick();
        ui.WaitForCounts();

        Assert.Contains("HTTP: 80 rows", ui.Screen);
        Assert.Equal(40, ui.Window.CurrentList.Table.Value!.SelectedCell.Y);
        Assert.Equal("host41.example", ui.Window.CurrentList.SelectedDocument!["host"].AsString);
        Assert.Equal(rowOffset, ui.Window.CurrentList.Table.RowOffset);
        Assert.Contains("capturing: 123 packets, 50 flows, 0 dropped", ui.Screen);
    }

    [Fact]
    public void A_long_list_reads_only_the_pages_it_shows()
    {
        string path = Path.Combine(_folder, "long.sniffer.db");
        using (var writer = SessionStoreWriter.Open(path))
        {
            writer.BeginCapture(new CaptureSource("long"));
            for (int i = 1; i <= 5_000; i++) writer.Emit(Records.Exchange(i, 1, $"host{i % 7}.example", $"/item/{i}", i % 10 == 0 ? 404 : 200));
        }
        using var reader = SessionStoreReader.Open(path);
        using var ui = new UiHarness(reader);
        ui.Press(new Key('2'));
        ui.WaitForCounts();

        Assert.Contains("HTTP: 5,000 rows", ui.Screen);
        Assert.Equal(1, ui.Window.CurrentList!.Source!.PagesRead);
        ui.Press(Key.End.WithCtrl);
        Assert.Contains("/item/5000", ui.Screen);
        Assert.Equal(2, ui.Window.CurrentList.Source.PagesRead); // the first page and the last, nothing between
        // Pages past the middle are read from the end and turned round: every row is still where it belongs.
        Assert.All([2_499, 2_500, 2_600, 4_950, 4_999], row =>
            Assert.Equal($"/item/{row + 1}", ui.Window.CurrentList.Source.DocumentAt(row)!["uri"].AsString));
    }
}
