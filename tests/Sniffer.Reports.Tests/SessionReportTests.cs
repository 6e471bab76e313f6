using System.Text.RegularExpressions;
using Sniffer.Reports.Session;
using Sniffer.TestSupport;
using Xunit;

namespace Sniffer.Reports.Tests;

public sealed class SessionReportTests : IDisposable
{
    private readonly AnalysedStore _store = AnalysedStore.FromCapture(Path.Combine(RepositoryPaths.Captures, "tcp", "http-keepalive.pcap"));

    public void Dispose() => _store.Dispose();

    [Fact]
    public void Html_and_markdown_have_the_same_sections_in_the_same_order()
    {
        string[] html = Regex.Matches(Rendering.Html(_store.Cursor), "<h([23])>([^<]*)</h[23]>").Select(m => m.Groups[1].Value + m.Groups[2].Value).ToArray();
        string[] markdown = Regex.Matches(Rendering.Markdown(_store.Cursor), "^(##|###) (.*)$", RegexOptions.Multiline)
            .Select(m => m.Groups[1].Length + m.Groups[2].Value.Replace("\\", "")).ToArray();

        Assert.Equal(html.Select(System.Net.WebUtility.HtmlDecode), markdown);
        Assert.Contains("2HTTP transactions", markdown);
        Assert.Contains("2Conditional GET savings", markdown);
    }

    [Fact]
    public void The_analyses_of_the_capture_reach_the_report()
    {
        string markdown = Rendering.Markdown(_store.Cursor);

        // README: one conditional request answered 304, 4,000 bytes saved; 2 handshakes saved on one connection.
        Assert.Contains("- **Answered 304 Not Modified:** 1", markdown);
        Assert.Contains("- **Bytes saved:** 4,000 B", markdown);
        Assert.Contains("- **Handshakes saved:** 2", markdown);
        Assert.Contains("- **Handshake RTT:** median 2 ms", markdown);
    }

    [Fact]
    public void A_capped_transaction_table_says_how_many_rows_it_left_out()
    {
        string html = Rendering.Html(_store.Cursor, new SessionReportOptions { MaxTransactions = 1 });

        string table = html[html.IndexOf("<h2>HTTP transactions</h2>", StringComparison.Ordinal)..html.IndexOf("<h2>Mail</h2>", StringComparison.Ordinal)];
        Assert.Equal(2, Regex.Matches(table, "<tr>").Count); // the header and one row
        Assert.Contains("First 1 of 3 transactions", table);
    }
}
