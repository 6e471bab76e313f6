using System.Diagnostics;
using Sniffer.Core.Records;

namespace Sniffer.Storage.Tests;

/// <summary>
/// Throughput and query figures for the report, not a test: <c>dotnet Sniffer.Storage.Tests.dll bench DB COUNT</c>.
/// Exchanges without bodies, four per flow, 50 hosts, one flow in ten answered 304. The figures measured, and the
/// profile that explains them, are in SCHEMA.md ("Performance") beside the store's code.
/// </summary>
internal static class StorageBenchmark
{
    public static int Run(string db, int count)
    {
        if (File.Exists(db))
        {
            Console.Error.WriteLine($"{db} exists; the benchmark measures a new database");
            return 2;
        }
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        using (var writer = SessionStoreWriter.Open(db))
        {
            writer.BeginCapture(new CaptureSource("benchmark"));
            // Each exchange is new, its time after the one before, as in a capture: lists ordered by time then read
            // the file in order, and duplicates of one record do not cluster. The emitting thread builds them while
            // the writer thread stores, so their cost is not the store's.
            for (int i = 0; i < count; i++) writer.Emit(SyntheticRecords.PlainHttp(i / 4 + 1, i % 4 + 1));
            writer.Complete();
        }
        clock.Stop();
        // On a shared machine the wall clock measures the other processes too; CPU time is the store's own cost.
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        long bytes = new FileInfo(db).Length;
        Console.WriteLine($"ingest: {count:N0} exchanges in {clock.Elapsed.TotalSeconds:F2} s = {count / clock.Elapsed.TotalSeconds:N0}/s; CPU {cpu.TotalSeconds:F2} s = {count / cpu.TotalSeconds:N0} per CPU-second");
        Console.WriteLine($"file: {bytes / 1e6:F1} MB = {bytes / 1e6 * 1_000_000 / count:F0} MB per million exchanges");
        return Queries(db);
    }

    /// <summary>The list queries the UI and reports make, on a database <see cref="Run"/> wrote.</summary>
    public static int Queries(string db)
    {
        using var reader = SessionStoreReader.Open(db);
        Time("count host=host7.example", () => reader.CountHttp(new HttpFilter { Host = "host7.example" }));
        Time("first page status=304 (50 rows)", () => reader.Http(Page.First(50), new HttpFilter { Status = 304 }).Count);
        Time("first page uri prefix /static/7/ (50 rows)", () => reader.Http(Page.First(50), new HttpFilter { UriPrefix = "/static/7/" }).Count);
        Time("page 2 of host=host7.example (50 rows)", () => reader.Http(new Page(50, 50), new HttpFilter { Host = "host7.example" }).Count);
        Time("first page status=500, which no row has", () => reader.Http(Page.First(50), new HttpFilter { Status = 500 }).Count);
        Time("first page of all by time (50 rows)", () => reader.Http(Page.First(50)).Count);
        return 0;
    }

    private static void Time(string what, Func<long> query)
    {
        long result = query(); // warm the page cache and LiteDB's
        var best = TimeSpan.MaxValue;
        for (int i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            query();
            if (clock.Elapsed < best) best = clock.Elapsed;
        }
        Console.WriteLine($"query {what}: {result:N0} rows, best of 5 {best.TotalMilliseconds:F1} ms");
    }
}
