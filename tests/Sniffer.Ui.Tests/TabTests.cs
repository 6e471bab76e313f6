using Sniffer.TestSupport;
using Sniffer.Ui.Views;
using Terminal.Gui.Input;
using Xunit;

namespace Sniffer.Ui.Tests;

/// <summary>The tabs over a database built from the project's keep-alive capture (three exchanges on one connection).</summary>
public sealed class TabTests : IDisposable
{
    private readonly TestDatabase _database = new(
        [Path.Combine(RepositoryPaths.Captures, "tcp", "http-keepalive.pcap")],
        [Records.Anomaly(9, "a test anomaly")]);

    public void Dispose() => _database.Dispose();

    [Fact]
    public void The_flows_tab_opens_first_with_the_connection_and_its_details()
    {
        using var reader = _database.OpenReader();
        using var ui = new UiHarness(reader);

        string screen = ui.Screen;
        Assert.Contains("Flows: 1 rows", screen);
        Assert.Contains("192.0.2.10:51000", screen);
        Assert.Contains("198.51.100.20:80", screen);
        Assert.Contains("2 ms", screen); // handshake RTT
        Assert.Contains("── Flow 1", screen);
    }

    [Fact]
    public void Only_the_front_tab_reads_the_database_when_the_window_opens()
    {
        using var reader = _database.OpenReader();
        using var ui = new UiHarness(reader);

        // A million-row database opens with one list's first page, not six.
        Assert.NotNull(ui.Window.Pages[0].Source);
        Assert.All(ui.Window.Pages.Skip(1).Append(ui.Window.AnomalyPage), page => Assert.Null(page.Source));
        ui.Press(new Key('6'));
        Assert.NotNull(ui.Window.AnomalyPage.Source);
        Assert.Contains("a test anomaly", ui.Screen);
    }

    [Fact]
    public void Quitting_reads_no_tab_that_was_never_shown()
    {
        using var reader = _database.OpenReader();
        var ui = new UiHarness(reader);
        ListPage[] neverShown = [.. ui.Window.Pages.Skip(1), ui.Window.AnomalyPage];

        ui.Dispose();

        // Tabs brings each remaining page to the front as the window takes them out; none may query the store.
        Assert.All(neverShown, page => Assert.Null(page.Source));
    }

    [Fact]
    public void The_http_tab_lists_the_exchanges_and_the_details_follow_the_selection()
    {
        using var reader = _database.OpenReader();
        using var ui = new UiHarness(reader);
        ui.Press(new Key('2'));
        ui.WaitForCounts();

        string screen = ui.Screen;
        Assert.Contains("HTTP: 3 rows", screen);
        Assert.Contains("/logo.png", screen);
        Assert.Contains("304", screen);
        Assert.Contains("GET /index.html HTTP/1.1", screen); // the first row's request in the details pane

        ui.Press(Key.CursorDown);
        Assert.Contains("GET /logo.png HTTP/1.1", ui.Screen);
        ui.Press(Key.CursorDown);
        Assert.Equal("/index.html", ui.Window.CurrentList!.SelectedDocument!["uri"].AsString);
        Assert.Equal(304, ui.Window.CurrentList.SelectedDocument["status"].AsInt32);
    }

    [Fact]
    public void The_details_pane_shows_the_body_the_cookies_and_a_timing_waterfall()
    {
        using var reader = _database.OpenReader();
        using var ui = new UiHarness(reader);
        ui.Press(new Key('2'));
        string details = ui.Window.CurrentList!.Details.Text;

        Assert.Contains("Response body: 4 kB decoded", details);
        Assert.Contains("connect  ▓", details); // the first exchange on the connection paid for the handshake
        Assert.Contains("wait", details);
        Assert.Contains("time to first byte", details);
        ui.Press(Key.Enter);
        Assert.True(ui.Window.CurrentList.Details.HasFocus);
        ui.Press(Key.Esc);
        Assert.True(ui.Window.CurrentList.Table.HasFocus);
    }

    [Fact]
    public void Sorting_by_the_status_column_puts_the_304_last_and_again_first()
    {
        using var reader = _database.OpenReader();
        using var ui = new UiHarness(reader);
        ui.Press(new Key('2'));
        for (int column = 0; column < 4; column++) ui.Press(Key.CursorRight); // Time, Method, Host, URI → Status

        ui.Press(new Key('s'));
        Assert.Contains("Status ▲", ui.Screen);
        Assert.Equal(200, ui.Window.CurrentList!.Source!.DocumentAt(0)!["status"].AsInt32);
        Assert.Equal(304, ui.Window.CurrentList.Source.DocumentAt(2)!["status"].AsInt32);

        ui.Press(new Key('s'));
        Assert.Contains("Status ▼", ui.Screen);
        Assert.Equal(304, ui.Window.CurrentList.Source!.DocumentAt(0)!["status"].AsInt32);
    }

    [Fact]
    public void The_filter_bar_narrows_the_list_and_reports_errors_at_their_column()
    {
        using var reader = _database.OpenReader();
        using var ui = new UiHarness(reader);
        ui.Press(new Key('2'));

        ui.Press(new Key('/'));
        Assert.True(ui.Window.FilterField.HasFocus);
        ui.Type("status == 304 && host ~ EXAMPLE");
        ui.Press(Key.Enter);
        ui.WaitForCounts();
        string screen = ui.Screen;
        Assert.Contains("HTTP: 1 rows · filter: http.status == 304 && http.host ~ EXAMPLE", screen);
        Assert.DoesNotContain("/logo.png", screen);
        Assert.True(ui.Window.CurrentList!.Table.HasFocus);

        ui.Press(new Key('/'));
        ui.Window.FilterField.Text = "";
        ui.Type("ttfb > 200");
        ui.Press(Key.Enter);
        Assert.Contains("filter: column 8: http.ttfb is a duration", ui.Screen);
        Assert.Contains("HTTP: 1 rows", ui.Screen); // the previous filter still holds

        ui.Window.FilterField.Text = "";
        ui.Type("smtp.from ~ alice");
        ui.Press(Key.Enter);
        Assert.Contains("smtp.from is not a field of http records", ui.Screen);

        ui.Window.FilterField.Text = "";
        ui.Press(Key.Enter);
        ui.WaitForCounts();
        Assert.Contains("HTTP: 3 rows", ui.Screen);
    }

    [Fact]
    public void Follow_shows_every_message_of_the_selected_connection_in_order()
    {
        using var reader = _database.OpenReader();
        using var ui = new UiHarness(reader);
        ui.Press(new Key('2'));
        ui.Press(new Key('f'));

        string follow = ui.Window.CurrentList!.Details.Text;
        Assert.Contains("Flow 1: 192.0.2.10:51000 → 198.51.100.20:80 (http)", follow);
        int first = follow.IndexOf("→ GET /index.html", StringComparison.Ordinal);
        int second = follow.IndexOf("→ GET /logo.png", StringComparison.Ordinal);
        int notModified = follow.IndexOf("← HTTP/1.1 304", StringComparison.Ordinal);
        Assert.True(first >= 0 && first < second && second < notModified, follow);
    }

    [Fact]
    public void The_timing_tab_draws_the_distributions_and_the_savings()
    {
        using var reader = _database.OpenReader();
        using var ui = new UiHarness(reader);
        ui.Press(new Key('5'));
        ui.WaitForTimings();

        string timing = ui.Window.TimingText;
        Assert.Contains("── Handshake RTT", timing);
        Assert.Contains("1 samples: min 2 ms, median 2 ms", timing);
        Assert.Contains("3 samples", timing); // TTFB of the three exchanges
        Assert.Contains("www.example.com", timing);
        Assert.Contains("█", timing);
        Assert.Contains("── Handshake RTT", ui.Screen);
    }

    [Fact]
    public void The_anomalies_tab_lists_anomalies_in_colour_and_the_cookies_tab_cycles_its_lists()
    {
        using var reader = _database.OpenReader();
        using var ui = new UiHarness(reader);
        ui.Press(new Key('6'));
        ui.WaitForCounts();
        Assert.Contains("a test anomaly", ui.Screen);
        Assert.Contains("Anomalies: 1 rows", ui.Screen);

        ui.Press(new Key('4'));
        Assert.Contains("cookies sent and set (1/3, m: next)", ui.Screen);
        ui.Press(new Key('m'));
        Assert.Contains("cookie jars (2/3, m: next)", ui.Screen);
    }

    [Fact]
    public void Export_writes_the_selected_body_to_a_file()
    {
        using var reader = _database.OpenReader();
        using var ui = new UiHarness(reader);
        ui.Press(new Key('2'));
        string? written = SelectionExport.Write(reader, ui.Window.CurrentList!.CurrentList, ui.Window.CurrentList.SelectedDocument!, _database.Folder);

        Assert.NotNull(written);
        byte[] body = File.ReadAllBytes(written);
        Assert.Equal(4000, body.Length);
        Assert.Equal(reader.GetBody(ui.Window.CurrentList.SelectedDocument!["response"]["body"]["sha256"].AsString), body);
    }
}
