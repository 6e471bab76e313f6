using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using LiteDB;
using Sniffer.Core.Records;
using Sniffer.Dissectors.Http.Records;
using Sniffer.Engine;
using Sniffer.TestSupport;
using Xunit;

namespace Sniffer.Storage.Tests;

/// <summary>A fact that runs only when the built <c>sniffer</c> (with open and report) is beside the tests.</summary>
public sealed class SnifferCliFactAttribute : FactAttribute
{
    public const string Absent = "sniffer.dll is not beside the tests: reference src/Sniffer.Cli once it registers open and report";

    public SnifferCliFactAttribute()
    {
        if (!File.Exists(SnifferProcess.Assembly)) Skip = SnifferCliFactAttribute.Absent;
    }
}

public sealed class SnifferCliTheoryAttribute : TheoryAttribute
{
    public SnifferCliTheoryAttribute()
    {
        if (!File.Exists(SnifferProcess.Assembly)) Skip = SnifferCliFactAttribute.Absent;
        else if (RepositoryPaths.SharedCaptures is null) Skip = SkipReasons.NoSharedCaptures;
    }
}

public sealed class CliTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [SnifferCliFact]
    public void Open_stores_each_capture_with_its_counters_and_report_reads_the_database_back()
    {
        string capture = Path.Combine(RepositoryPaths.Captures, "tcp", "http-keepalive.pcap");
        string db = _folder.File("keepalive.sniffer.db");

        var (exitCode, output, error) = SnifferProcess.Run("open", capture, capture, "--db", db, "--no-ui");

        Assert.True(exitCode == 0, error);
        Assert.Contains(output.Split('\n'), line => line.StartsWith("Stored in:", StringComparison.Ordinal) && line.TrimEnd().EndsWith(" " + db, StringComparison.Ordinal));
        List<SnifferRecord> emitted = Analyse(capture);
        using (var reader = SessionStoreReader.Open(db))
        {
            Assert.Equal(2, reader.Captures().Count);
            Assert.All(reader.Captures(), c => Assert.Equal(emitted.OfType<FlowRecord>().Count(), c.Totals!.Counters["flows_closed"]));
            Assert.Equal(2 * emitted.OfType<HttpTransaction>().Count(), reader.CountHttp());
        }

        var report = SnifferProcess.Run("report", db, "--format", "ndjson");
        Assert.True(report.ExitCode == 0, report.StandardError);
        string[] lines = report.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // Every flow, exchange and anomaly of both captures, then the summary line.
        Assert.Equal(2 * emitted.Count(r => r is FlowRecord or HttpTransaction or Anomaly) + 1, lines.Length);
    }

    [SnifferCliFact]
    public void Open_without_a_terminal_says_where_to_browse_instead_of_waiting_for_keys()
    {
        string capture = Path.Combine(RepositoryPaths.Captures, "tcp", "vlan.pcap");
        string db = _folder.File("vlan.sniffer.db");
        var (exitCode, _, error) = SnifferProcess.Run("open", capture, "--db", db);
        Assert.Equal(0, exitCode);
        Assert.Contains($"not a terminal, so no interactive view; browse it later with 'sniffer ui {db}'", error);
    }

    [SnifferCliFact]
    public void Sigint_to_open_stops_reading_and_stores_everything_analysed_before_it()
    {
        // Enough copies of one capture that the process is still reading when the signal arrives.
        string capture = Path.Combine(RepositoryPaths.Captures, "tcp", "http-keepalive.pcap");
        string db = _folder.File("interrupted.sniffer.db");
        string[] arguments = ["open", .. Enumerable.Repeat(capture, 5_000), "--db", db, "--no-ui"];
        using Process process = SnifferProcess.Start(arguments);
        // The first summary means the database is open and a capture is committed.
        var output = new System.Text.StringBuilder();
        while (process.StandardOutput.ReadLine() is { } line)
        {
            output.AppendLine(line);
            if (line.StartsWith("File:", StringComparison.Ordinal)) break;
        }
        Assert.Equal(0, kill(process.Id, Sigint));
        var (exitCode, rest, error) = SnifferProcess.WaitForExit(process);

        Assert.Equal(1, exitCode);
        Assert.Contains("interrupted; everything read before Ctrl-C is stored", error);
        using var reader = SessionStoreReader.Open(db);
        IReadOnlyList<StoredCapture> captures = reader.Captures();
        Assert.InRange(captures.Count, 1, 4_999);
        // Every capture begun was ended and its records committed: the stored flows match the flow table's count.
        Assert.All(captures, c => Assert.True(c.Complete));
        Assert.Equal(captures.Sum(c => c.Totals!.Counters["flows_closed"]), reader.CountFlows());
        Assert.Contains((output + rest).Split('\n'), line => line.StartsWith("  captures:", StringComparison.Ordinal) && line.TrimEnd().EndsWith($" {captures.Count:N0}", StringComparison.Ordinal));
    }

    [SnifferCliFact]
    public void Report_on_a_database_of_another_schema_version_fails_with_the_reason()
    {
        string db = _folder.File("old.sniffer.db");
        using (var raw = new LiteDatabase(db))
            raw.GetCollection(StoreCollections.Meta).Insert(new BsonDocument { ["_id"] = "schema", ["application"] = "sniffer", ["version"] = 99 });

        var (exitCode, _, error) = SnifferProcess.Run("report", db);

        Assert.Equal(1, exitCode);
        Assert.Contains($"sniffer: {db} has Sniffer schema version 99; this sniffer reads version {SessionStore.SchemaVersion}", error);
    }

    [SnifferCliFact]
    public void A_second_open_on_a_database_being_written_is_refused()
    {
        string db = _folder.File("busy.sniffer.db");
        using var holder = SessionStoreWriter.Open(db);
        var (exitCode, _, error) = SnifferProcess.Run("open", Path.Combine(RepositoryPaths.Captures, "tcp", "vlan.pcap"), "--db", db, "--no-ui");
        Assert.Equal(1, exitCode);
        Assert.Contains("is in use by another process", error);
    }

    public static TheoryData<string> RealCaptures() => new(
        RepositoryPaths.SharedCaptures is { } root
            ? Directory.EnumerateFiles(Path.Combine(root, "real"), "*.pcap", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(root, p)).Order()
            : ["(absent)"]);

    [SnifferCliTheory]
    [MemberData(nameof(RealCaptures))]
    public void Report_ndjson_of_a_capture_parses_line_by_line_and_counts_what_the_pipeline_emits(string capture)
    {
        string path = RepositoryPaths.Shared(capture);
        var (exitCode, output, error) = SnifferProcess.Run("report", path, "--format", "ndjson");

        Assert.True(exitCode == 0, error);
        var types = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("type").GetString())
            .GroupBy(t => t).ToDictionary(g => g.Key!, g => g.Count());
        List<SnifferRecord> emitted = Analyse(path);
        Assert.Equal(emitted.OfType<FlowRecord>().Count(), types.GetValueOrDefault("flow"));
        Assert.Equal(emitted.OfType<HttpTransaction>().Count(), types.GetValueOrDefault("http"));
        Assert.False(File.Exists(path + ".sniffer.db"));
    }

    private static List<SnifferRecord> Analyse(string capture)
    {
        var sink = new ListSink();
        using var pipeline = new AnalysisPipeline(new PipelineOptions(), sink);
        CaptureFileAnalysis.Read([capture], pipeline);
        return sink.Records;
    }

    private const int Sigint = 2;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
