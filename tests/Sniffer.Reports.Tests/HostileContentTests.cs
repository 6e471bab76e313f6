using System.Text.Json;
using System.Text.RegularExpressions;
using Sniffer.Reports.Csv;
using Sniffer.Storage;
using Xunit;

namespace Sniffer.Reports.Tests;

/// <summary>A capture that attacks its report: nothing it carries may become markup, a formula or a terminal command.</summary>
public sealed partial class HostileContentTests : IDisposable
{
    /// <summary>Every element the HTML renderer itself writes; any other tag name in the output came from the capture.</summary>
    private static readonly HashSet<string> OwnElements =
        ["html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "dl", "dt", "dd", "table", "thead", "tbody", "tr", "th", "td", "figure", "svg", "rect", "text"];

    private readonly AnalysedStore _store = AnalysedStore.FromFrames(HostileTraffic.Http().Concat(HostileTraffic.Smtp()));

    public void Dispose() => _store.Dispose();

    [Fact]
    public void The_capture_really_carries_the_payloads_into_the_store()
    {
        // Without this the tests below could pass on an empty report.
        Assert.Equal(1, _store.Reader.CountHttp());
        var http = _store.Reader.Http(Page.First(1)).Single().Record;
        Assert.Contains(HostileTraffic.Script, http.Request!.Target);
        Assert.Contains(http.Request.Headers, h => h.Value.Contains(HostileTraffic.TerminalClear));
        Assert.Contains(http.Cookies, c => c.Value == HostileTraffic.ImageBreakOut);
        Assert.Equal(1, _store.Reader.Count("messages"));
    }

    [Fact]
    public void Html_holds_no_markup_from_the_capture_only_its_own_elements_and_no_event_handler()
    {
        string html = Rendering.Html(_store.Cursor);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(TagNames().Matches(html).Select(m => m.Groups[1].Value.ToLowerInvariant()).Where(n => !OwnElements.Contains(n)).Distinct());
        // Inside every tag, no attribute is an event handler (onerror=, onload=…).
        Assert.DoesNotContain(Tags().Matches(html), tag => EventHandler().IsMatch(tag.Value));
        Assert.DoesNotContain('\u001b', html);
        // The payloads are there, as text.
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.Contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;", html);
        Assert.Contains("\\x1b[2J", html);
    }

    [Fact]
    public void Markdown_escapes_every_angle_bracket_pipe_and_control_character()
    {
        string markdown = Rendering.Markdown(_store.Cursor);

        Assert.DoesNotContain('\u001b', markdown);
        Assert.All(Regex.Matches(markdown, "[<>]").Cast<Match>(), m => Assert.Equal('\\', markdown[m.Index - 1]));
        Assert.Contains("\\<script\\>alert(1)\\</script\\>", markdown);
        // Every table row of the transaction table still has its column count: no captured pipe split a cell.
        string[] rows = markdown.Split('\n').SkipWhile(l => !l.StartsWith("| start |", StringComparison.Ordinal)).TakeWhile(l => l.StartsWith('|')).ToArray();
        Assert.True(rows.Length >= 3);
        Assert.All(rows, row => Assert.Equal(Pipes(rows[0]), Pipes(row)));
    }

    [Fact]
    public void Csv_has_no_control_character_and_no_cell_a_spreadsheet_would_run()
    {
        foreach (CsvTable table in CsvExport.Tables)
        {
            string csv = Rendering.Csv(_store.Cursor, table);
            Assert.DoesNotContain('\u001b', csv);
            Assert.DoesNotMatch("[\u0000-\u0009\u000b\u000c\u000e-\u001f]", csv);
            foreach (string cell in Cells(csv)) Assert.False(cell.Length > 0 && cell[0] is '=' or '+' or '@', $"{table.Name}: {cell}");
        }
        Assert.Contains("'=HYPERLINK", Rendering.Csv(_store.Cursor, CsvExport.Tables.Single(t => t.Name == "messages")));
    }

    [Fact]
    public void Har_carries_the_payloads_as_json_strings_exactly()
    {
        using JsonDocument har = JsonDocument.Parse(Rendering.Har(_store.Cursor));
        JsonElement entry = har.RootElement.GetProperty("log").GetProperty("entries").EnumerateArray().Single();

        Assert.Contains(entry.GetProperty("request").GetProperty("cookies").EnumerateArray(),
            c => c.GetProperty("value").GetString() == HostileTraffic.ImageBreakOut);
        Assert.Contains(entry.GetProperty("request").GetProperty("headers").EnumerateArray(),
            h => h.GetProperty("value").GetString()!.Contains(HostileTraffic.TerminalClear));
        // The URL is a URI by RFC 3986's grammar: only its characters, escapes of two hex digits, and an authority
        // the hostile Host header could not split ("</script>" carries a '/').
        string url = entry.GetProperty("request").GetProperty("url").GetString()!;
        Assert.Matches(@"^http://[A-Za-z0-9\-._~!$&'()*+,;=:%]+/[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*$", url);
        Assert.DoesNotMatch("%(?![0-9A-F]{2})", url);
        Assert.StartsWith("http://evil%3Cscript%3Ealert(1)%3C%2Fscript%3E.example/%3Cscript%3E", url);
    }

    private static int Pipes(string row) => Regex.Matches(row, @"(?<!\\)\|").Count;

    /// <summary>Cells of an RFC 4180 document (quoted cells unquoted), enough to look at their first character.</summary>
    private static IEnumerable<string> Cells(string csv)
    {
        foreach (Match cell in Regex.Matches(csv, "(?:^|,)(\"(?:[^\"]|\"\")*\"|[^,\r\n]*)", RegexOptions.Multiline))
        {
            string value = cell.Groups[1].Value;
            yield return value.StartsWith('"') ? value[1..^1].Replace("\"\"", "\"") : value;
        }
    }

    [GeneratedRegex(@"<\s*/?\s*([A-Za-z][A-Za-z0-9-]*)")]
    private static partial Regex TagNames();

    [GeneratedRegex(@"<[A-Za-z][^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandler();
}
