using System.CommandLine;
using System.Text;
using Sniffer.Engine;
using Sniffer.Query;
using Sniffer.Reports.Csv;
using Sniffer.Reports.Export;
using Sniffer.Reports.Har;
using Sniffer.Reports.Session;
using Sniffer.Reports.Store;
using Sniffer.Storage;
using Sniffer.Storage.Reports;

namespace Sniffer.Cli.Commands;

/// <summary>The formats of <c>sniffer report</c>.</summary>
internal enum ReportOutputFormat
{
    /// <summary>One JSON object per line (fields in src/Sniffer.Storage/SCHEMA.md).</summary>
    Ndjson,
    Json,

    /// <summary>One self-contained page: charts as inline SVG, no script, nothing fetched.</summary>
    Html,

    /// <summary>The HTML report's sections as Markdown text and tables.</summary>
    Md,

    /// <summary>One file per record type into the -o folder, or one type (--type) to a file or standard output.</summary>
    Csv,

    /// <summary>HTTP Archive 1.2 for browsers' developer tools.</summary>
    Har,
}

/// <summary>
/// <c>sniffer report</c>: what a session database holds as NDJSON/JSON records, an HTML or Markdown report,
/// CSV tables or a HAR archive. A capture file is first analysed into a database in a temporary folder, deleted
/// afterwards, so every format reads the same store the same way.
/// </summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var inputArgument = new Argument<FileInfo>("input")
        {
            Description = "A session database (sniffer open) or a capture file",
        };
        var formatOption = new Option<ReportOutputFormat>("--format", "-F")
        {
            Description = "ndjson | json | html | md | csv | har",
            DefaultValueFactory = _ => ReportOutputFormat.Ndjson,
        };
        var outputOption = new Option<FileInfo?>("--output", "-o")
        {
            Description = "Write to this file (csv: this folder) instead of standard output",
        };
        var typeOption = new Option<string?>("--type")
        {
            Description = $"csv: only this record type ({string.Join(", ", CsvExport.Tables.Select(t => t.Name))})",
        };
        typeOption.AcceptOnlyFromAmong([.. CsvExport.Tables.Select(t => t.Name)]);
        var forceOption = new Option<bool>("--force")
        {
            Description = "Overwrite files that exist",
        };
        var filterOption = FilterOption("Only the records matching this filter (the UI's filter language; html, md, csv, har)");
        var analysis = new AnalysisOptions();
        var command = new Command("report", "Write what a session database (or a capture) holds as NDJSON, JSON, HTML, Markdown, CSV or HAR")
        {
            inputArgument,
            formatOption,
            outputOption,
            typeOption,
            forceOption,
            filterOption,
        };
        analysis.AddTo(command);
        command.SetAction(parse =>
        {
            FileInfo input = parse.GetRequiredValue(inputArgument);
            // A missing input is an error (exit 1), as it is for read and open.
            if (!input.Exists) throw new FileNotFoundException($"{input.FullName} does not exist");
            ReportOutputFormat format = parse.GetValue(formatOption);
            string? output = parse.GetValue(outputOption)?.FullName;
            string? type = parse.GetValue(typeOption);
            if (type is not null && format != ReportOutputFormat.Csv) throw new UsageException("--type applies to --format csv only");
            if (format == ReportOutputFormat.Csv && output is null && type is null)
                throw new UsageException("--format csv writes one file per record type: give a folder with -o, or one --type for standard output");
            bool force = parse.GetValue(forceOption);
            RecordFilter filter = ParseFilter(parse.GetValue(filterOption));
            if (filter.Text is not null && format is ReportOutputFormat.Ndjson or ReportOutputFormat.Json)
                throw new UsageException("--filter applies to --format html, md, csv and har");

            if (SessionStore.IsLiteDbFile(input.FullName))
            {
                Write(input.FullName, format, output, type, force, filter);
                return ExitCodes.Success;
            }
            using var temporary = new TemporaryStore();
            bool failed = temporary.Analyse(input.FullName, analysis.Read(parse));
            Write(temporary.DatabasePath, format, output, type, force, filter);
            return failed ? ExitCodes.Error : ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The <c>--filter</c> option of report and export.</summary>
    internal static Option<string?> FilterOption(string description) => new("--filter") { Description = description };

    /// <summary>The filter, checked before any output is written: a syntax error or a field no list holds is a usage error (exit 2).</summary>
    internal static RecordFilter ParseFilter(string? text)
    {
        if (text is null) return RecordFilter.None;
        try
        {
            return RecordFilter.Parse(text);
        }
        catch (FilterSyntaxException error)
        {
            throw new UsageException($"--filter: {error.Message}");
        }
    }

    private static void Write(string database, ReportOutputFormat format, string? output, string? type, bool force, RecordFilter filter)
    {
        using var reader = SessionStoreReader.Open(database);
        var cursor = new StoreCursor(reader);
        if (format == ReportOutputFormat.Csv)
        {
            WriteCsv(cursor, output, type, force, filter);
            return;
        }
        if (format == ReportOutputFormat.Har && !filter.Covers(StoreCollections.Http))
            throw new UsageException($"--filter: a HAR lists HTTP exchanges, and '{filter.Text}' names fields they do not have");
        using Stream stream = output is null ? Console.OpenStandardOutput() : OutputFiles.Create(output, force);
        switch (format)
        {
            case ReportOutputFormat.Ndjson:
                RecordReport.FromStore(reader).Write(stream, ReportFormat.Ndjson);
                break;
            case ReportOutputFormat.Json:
                RecordReport.FromStore(reader).Write(stream, ReportFormat.Json);
                break;
            case ReportOutputFormat.Har:
                new HarWriter(cursor, filter).Write(stream);
                break;
            default:
                using (var text = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16))
                {
                    new SessionReport(cursor, new SessionReportOptions { Filter = filter }).Write(format == ReportOutputFormat.Html ? new HtmlReportRenderer(text) : new MarkdownReportRenderer(text));
                }
                break;
        }
    }

    private static void WriteCsv(StoreCursor cursor, string? folder, string? type, bool force, RecordFilter filter)
    {
        var csv = new CsvExport(cursor, filter);
        IEnumerable<CsvTable> tables = CsvExport.Tables.Where(t => type is null || t.Name == type);
        if (folder is null)
        {
            using var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false));
            csv.Write(tables.Single(), stdout);
            return;
        }
        string target = OutputFiles.Folder(folder);
        foreach (CsvTable table in tables)
        {
            using var file = new StreamWriter(OutputFiles.Create(Path.Combine(target, table.Name + ".csv"), force), new UTF8Encoding(false));
            csv.Write(table, file);
        }
    }

    /// <summary>A database in a fresh temporary folder, deleted with the folder when disposed.</summary>
    private sealed class TemporaryStore : IDisposable
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("sniffer-report-").FullName;

        public string DatabasePath => Path.Combine(_folder, "capture.sniffer.db");

        /// <summary>Analyses one capture into the database; true when reading it failed part-way (what was read is kept).</summary>
        public bool Analyse(string capture, PipelineOptions options)
        {
            using var writer = SessionStoreWriter.Open(DatabasePath);
            return CaptureIngest.File(capture, options, writer, new CountingSink(writer), printSummary: false);
        }

        public void Dispose() => Directory.Delete(_folder, recursive: true);
    }
}
