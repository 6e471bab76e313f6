using System.Text;
using System.Text.Json;
using Sniffer.Reports.Csv;
using Sniffer.Reports.Export;
using Sniffer.Reports.Har;
using Sniffer.Reports.Session;
using Sniffer.Reports.Store;
using Sniffer.Storage;
using Sniffer.Storage.Queries;
using Sniffer.TestSupport;
using Xunit;

namespace Sniffer.Reports.Tests;

public sealed class FilterTests : IDisposable
{
    private readonly AnalysedStore _store = AnalysedStore.FromCapture(Path.Combine(RepositoryPaths.Captures, "tcp", "http-keepalive.pcap"));

    public void Dispose() => _store.Dispose();

    [Fact]
    public void A_har_holds_only_the_matching_exchanges()
    {
        using var output = new MemoryStream();
        new HarWriter(_store.Cursor, RecordFilter.Parse("status == 304")).Write(output);

        using JsonDocument har = JsonDocument.Parse(output.ToArray());
        JsonElement entry = har.RootElement.GetProperty("log").GetProperty("entries").EnumerateArray().Single();
        Assert.Equal(304, entry.GetProperty("response").GetProperty("status").GetInt32());
    }

    [Fact]
    public void Lists_whose_records_lack_the_filters_fields_are_left_out_and_the_report_says_so()
    {
        var options = new SessionReportOptions { Filter = RecordFilter.Parse("status == 200") };
        string markdown = Rendering.Markdown(_store.Cursor, options);

        Assert.Contains("Filter: status == 200", markdown.Replace("\\", ""));
        Assert.Equal(2, markdown.Split('\n').Count(l => l.StartsWith("| ", StringComparison.Ordinal) && l.Contains("| GET |")));
        Assert.Contains("Left out by the filter", markdown);

        string anomalies = Rendering.Csv(_store.Cursor, CsvExport.Tables.Single(t => t.Name == "anomalies"));
        Assert.Single(anomalies.Split("\r\n", StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void An_export_refuses_a_filter_on_fields_its_records_do_not_have()
    {
        var export = new ObjectExport(_store.Cursor, RecordFilter.Parse("smtp.from ~ alice"));

        Assert.Throws<StoreFilterException>(() => export.Write(_store.File("objects"), false, ExportProgress.None));
    }

    [Fact]
    public void Objects_are_exported_for_the_matching_exchanges_only()
    {
        string folder = _store.File("objects");
        ObjectExportResult result = new ObjectExport(_store.Cursor, RecordFilter.Parse("uri ~ logo")).Write(folder, false, ExportProgress.None);

        Assert.Equal(1, result.Files);
        Assert.Contains("logo.png", Directory.GetFiles(folder).Select(Path.GetFileName));
    }
}
