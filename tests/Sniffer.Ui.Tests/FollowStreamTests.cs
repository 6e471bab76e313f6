using System.Text;
using System.Text.Json;
using LiteDB;
using Sniffer.Core.Flows;
using Sniffer.Core.Text;
using Sniffer.Engine;
using Sniffer.Reports.Store;
using Sniffer.TestSupport;
using Sniffer.Ui.Views;
using Terminal.Gui.Input;
using Xunit;

namespace Sniffer.Ui.Tests;

/// <summary>The demo capture analysed once: its browser scenario loads a page over parallel connections with Referer.</summary>
public sealed class DemoDatabase : IDisposable
{
    public static string Capture => Path.Combine(RepositoryPaths.Captures, "demo.pcap");

    public TestDatabase Database { get; } = new([Capture]);

    /// <summary>The generator's log of the browser scenario (captures/demo.log.json): what crossed the wire.</summary>
    public static IReadOnlyList<JsonElement> BrowserRequests()
    {
        using JsonDocument log = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Captures, "demo.log.json")));
        return log.RootElement.GetProperty("http_requests").EnumerateArray()
            .Where(r => r.GetProperty("scenario").GetString() == "browser").Select(r => r.Clone()).ToList();
    }

    public void Dispose() => Database.Dispose();
}

/// <summary>Follow on the demo database re-reads the capture (as Wireshark does), and the page waterfall across connections.</summary>
public sealed class FollowStreamTests(DemoDatabase demo) : IClassFixture<DemoDatabase>
{
    [Fact]
    public void Follow_shows_the_raw_stream_with_the_client_and_the_server_in_their_own_colours()
    {
        JsonElement document = DemoDatabase.BrowserRequests()[0];
        int port = document.GetProperty("client_port").GetInt32();
        using var reader = demo.Database.OpenReader();
        using var ui = new UiHarness(reader);
        Filter(ui, $"client.port == {port}", "Flows: 1 rows");
        ui.Press(new Key('f'));

        TextPane pane = ui.Window.CurrentList!.Details;
        List<string> lines = Shown(pane);
        Assert.Contains(lines, l => l.StartsWith("(raw stream re-read from ", StringComparison.Ordinal));
        // The log says what the client asked for and what came back on this connection.
        string requestLine = $"→ {document.GetProperty("method").GetString()} {document.GetProperty("path").GetString()} HTTP/1.1";
        int request = lines.IndexOf(requestLine);
        int status = lines.FindIndex(l => l.StartsWith($"← HTTP/1.1 {document.GetProperty("status").GetInt32()} ", StringComparison.Ordinal));
        Assert.True(request >= 0 && status > request, pane.Text);
        Assert.Contains($"→ Host: {document.GetProperty("host").GetString()}", lines);
        Assert.Equal(LineTone.Client, pane.Tones[request]);
        Assert.Equal(LineTone.Server, pane.Tones[status]);

        // Every line the client sent equals the extraction's bytes of that direction, escaped, in order.
        BsonDocument flow = ui.Window.CurrentList.SelectedDocument!;
        FlowStreams streams = FlowStreamExtraction.Extract(DemoDatabase.Capture, new FlowSelector(
            flow.Text("client")!, flow.Text("server")!, 0, flow.Number("first_ns")!.Value, flow.Number("last_ns")!.Value));
        string clientBytes = Encoding.UTF8.GetString(streams.Pieces.Where(p => p.Direction == Direction.ClientToServer).SelectMany(p => p.Bytes.ToArray()).ToArray());
        IEnumerable<string> sentLines = clientBytes.Split("\r\n")[..^1].Select(l => "→ " + SafeText.Escape(l));
        Assert.Equal(sentLines, lines.Where((_, i) => pane.Tones[i] == LineTone.Client));
        Assert.True(streams.ServerBytes > 0);

        // On screen the two directions are drawn in different colours.
        string[] screen = ui.Screen.Split('\n');
        var requestCell = CellOf(ui, screen, requestLine);
        var statusCell = CellOf(ui, screen, lines[status]);
        Assert.NotEqual(requestCell.Attribute, statusCell.Attribute);
        Assert.Equal(new Terminal.Gui.Drawing.Color(Terminal.Gui.Drawing.ColorName16.BrightRed), requestCell.Attribute!.Value.Foreground);
    }

    [Fact]
    public void The_details_of_a_row_show_the_stored_dialogue_and_leave_the_capture_file_to_follow()
    {
        int port = DemoDatabase.BrowserRequests()[0].GetProperty("client_port").GetInt32();
        using var reader = demo.Database.OpenReader();
        using var ui = new UiHarness(reader);
        Filter(ui, $"client.port == {port}", "Flows: 1 rows");

        // Moving the cursor redraws the details, so they must not re-read a capture that may be gigabytes long.
        List<string> details = Shown(ui.Window.CurrentList!.Details);
        Assert.Contains("(rebuilt from the dissected messages the store keeps; f follows the raw stream)", details);
        Assert.DoesNotContain(details, l => l.StartsWith("(raw stream re-read from ", StringComparison.Ordinal));
        ui.Press(new Key('f'));
        Assert.Contains(Shown(ui.Window.CurrentList.Details), l => l.StartsWith("(raw stream re-read from ", StringComparison.Ordinal));
    }

    [Fact]
    public void Follow_rebuilds_the_dialogue_and_says_why_when_the_capture_file_is_gone()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"sniffer-follow-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            string copy = Path.Combine(folder, "moved.pcap");
            File.Copy(Path.Combine(RepositoryPaths.Captures, "tcp", "http-keepalive.pcap"), copy);
            using var database = new TestDatabase([copy]);
            File.Delete(copy);
            using var reader = database.OpenReader();
            using var ui = new UiHarness(reader);
            ui.Press(new Key('f'));

            string follow = ui.Window.CurrentList!.Details.Text;
            Assert.Contains($"(raw stream unavailable: the capture file {copy} is gone (moved or deleted); rebuilt from the dissected messages the store keeps)", follow);
            Assert.Contains("→ GET /index.html HTTP/1.1", follow);
            Assert.Contains("← HTTP/1.1 304 Not Modified", follow);
            Assert.All(ui.Window.CurrentList.Details.Tones, tone => Assert.Equal(LineTone.Plain, tone));

            // Its document was fetched without Referer-bearing requests after it (curl-like): no page to draw.
            ui.Press(new Key('2'));
            Assert.Contains("GET /index.html HTTP/1.1", ui.Window.CurrentList!.Details.Text);
            Assert.DoesNotContain("── Page", ui.Window.CurrentList.Details.Text);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Follow_shows_bytes_the_capture_cut_off_as_missing_in_the_colour_of_their_side()
    {
        using var database = new TestDatabase([Path.Combine(RepositoryPaths.Captures, "tcp", "snaplen-truncated.pcap")]);
        using var reader = database.OpenReader();
        using var ui = new UiHarness(reader);
        ui.Press(new Key('f'));

        TextPane pane = ui.Window.CurrentList!.Details;
        List<string> lines = Shown(pane);
        BsonDocument flow = ui.Window.CurrentList.SelectedDocument!;
        List<int> gaps = lines.Select((line, i) => (line, i)).Where(l => l.line.EndsWith(" bytes missing]", StringComparison.Ordinal)).Select(l => l.i).ToList();
        Assert.NotEmpty(gaps);
        Assert.All(gaps, i => Assert.Equal(lines[i].StartsWith("→ [", StringComparison.Ordinal) ? LineTone.Client : LineTone.Server, pane.Tones[i]));
        // The missing lengths of each side add up to what the analysis counted as that side's gap bytes.
        long Missing(string arrow) => gaps.Where(i => lines[i].StartsWith(arrow, StringComparison.Ordinal))
            .Sum(i => long.Parse(lines[i][3..lines[i].IndexOf(' ', 3)], System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(flow.Number("client_gap_bytes") ?? 0, Missing("→ ["));
        Assert.Equal(flow.Number("server_gap_bytes") ?? 0, Missing("← ["));
        Assert.True(Missing("← [") > 0);
        Assert.Contains(lines, l => l.StartsWith("→ GET /", StringComparison.Ordinal));
    }

    [Fact]
    public void An_exchange_of_a_page_shows_the_page_as_a_waterfall_across_its_connections()
    {
        IReadOnlyList<JsonElement> browser = DemoDatabase.BrowserRequests();
        using var reader = demo.Database.OpenReader();
        using var ui = new UiHarness(reader);
        ui.Press(new Key('2'));
        ui.WaitForCounts();
        Filter(ui, "uri == \"/objects/style.css\" && referer ~ \"sniffer.test\"", "HTTP: 1 rows");

        List<string> lines = Shown(ui.Window.CurrentList!.Details);
        int heading = lines.FindIndex(l => l.StartsWith("── Page http://www.sniffer.test/: ", StringComparison.Ordinal));
        Assert.True(heading >= 0, ui.Window.CurrentList.Details.Text);
        Assert.StartsWith($"── Page http://www.sniffer.test/: {browser.Count} exchanges on {browser.Select(r => r.GetProperty("client_port").GetInt32()).Distinct().Count()} connections", lines[heading]);
        List<string> rows = lines.Skip(heading + 3).TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal) || l.StartsWith("▶ ", StringComparison.Ordinal)).ToList();
        Assert.Equal(browser.Count, rows.Count);
        // The rows name every connection of the log's page load, each exchange on the port the log gives it.
        foreach (JsonElement request in browser)
        {
            string port = request.GetProperty("client_port").GetInt32().ToString();
            string host = request.GetProperty("host").GetString()!;
            string target = (host == "www.sniffer.test" ? "" : host) + request.GetProperty("path").GetString();
            Assert.Contains(rows, r => r[2..].TrimStart().StartsWith($"{port} GET {target} ", StringComparison.Ordinal));
        }
        Assert.Single(rows, r => r.StartsWith("▶ ", StringComparison.Ordinal) && r.Contains("/objects/style.css", StringComparison.Ordinal));
        Assert.All(rows, r => Assert.Matches("[▓█░]", r));
    }

    private static void Filter(UiHarness ui, string filter, string expected)
    {
        ui.Press(new Key('/'));
        ui.Window.FilterField.Text = "";
        ui.Type(filter);
        ui.Press(Key.Enter);
        ui.WaitForCounts();
        Assert.Contains(expected, ui.Screen);
    }

    private static List<string> Shown(TextPane pane) =>
        pane.Source!.ToList().Cast<object>().Select(o => o.ToString()!).ToList();

    private static Terminal.Gui.Drawing.Cell CellOf(UiHarness ui, string[] screen, string line)
    {
        int row = Array.FindIndex(screen, l => l.Contains(line, StringComparison.Ordinal));
        Assert.True(row >= 0, $"not on screen: {line}");
        int column = screen[row].IndexOf(line, StringComparison.Ordinal) + 2;
        return ui.App.Driver!.Contents![row, column];
    }
}
