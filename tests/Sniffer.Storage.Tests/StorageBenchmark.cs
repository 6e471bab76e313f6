using System.Diagnostics;
using Sniffer.Core.Records;

namespace Sniffer.Storage.Tests;

/// <summary>
/// Throughput and query figures for the report, not a test: <c>dotnet Sniffer.Storage.Tests.dll bench DB COUNT</c>.
/// Exchanges without bodies, four per flow, 50 hosts, one flow in ten answered 304. The figures measured, and the
/// profile that explains them, are in SCHEMA.md ("Performance") beside the store's code. With <c>--flows</c> each
/// flow's record is stored too, as a capture's are: the database the UI's first-screen timing opens
/// (tests/tools/ui-first-screen.sh), whose front list is the flows.
/// </summary>
internal static class StorageBenchmark
{
    public static int Run(string db, int count, bool withFlows)
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
            for (int i = 0; i < count; i++)
            {
                if (withFlows && i % 4 == 0) writer.Emit(SyntheticRecords.Flow(i / 4 + 1));
                writer.Emit(SyntheticRecords.PlainHttp(i / 4 + 1, i % 4 + 1));
            }
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

    /// <summary>
    /// LiteDB on its own, without Sniffer's mapping or writer thread: how many exchanges per CPU-second the engine
    /// stores in the most favourable shape — a document of only the NDJSON <c>http</c> line's scalar fields, no
    /// secondary index, <c>InsertBulk</c> of 2,000 — one exchange per document and sixteen per document. It is the
    /// ceiling any mapping on LiteDB 5 can reach on this machine (SCHEMA.md, "Performance").
    /// </summary>
    public static int EngineCeiling(string folder, int count)
    {
        Directory.CreateDirectory(folder);
        foreach (int perDocument in new[] { 1, 16 })
        {
            string path = Path.Combine(folder, $"engine-{perDocument}.db");
            File.Delete(path);
            TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            using (var database = new LiteDB.LiteDatabase($"Filename={path};Connection=direct"))
            {
                var collection = database.GetCollection("http");
                for (int start = 0; start < count; start += 2000)
                {
                    var documents = new List<LiteDB.BsonDocument>();
                    for (int i = start; i < Math.Min(count, start + 2000); i += perDocument)
                    {
                        documents.Add(perDocument == 1
                            ? MinimalExchange(i)
                            : new LiteDB.BsonDocument { ["items"] = new LiteDB.BsonArray(Enumerable.Range(i, perDocument).Select(MinimalExchange)) });
                    }
                    collection.InsertBulk(documents);
                }
                database.Checkpoint();
            }
            TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            Console.WriteLine($"LiteDB alone, {perDocument} exchange(s) per document, no secondary index: {count / cpu.TotalSeconds:N0} exchanges per CPU-second ({new FileInfo(path).Length / 1e6:F0} MB)");
            File.Delete(path);
        }
        return 0;
    }

    private static LiteDB.BsonDocument MinimalExchange(int i) => new()
    {
        ["ts"] = 1_700_000_000_000_000_000L + i * 1_000L,
        ["flow"] = i / 4,
        ["method"] = "GET",
        ["host"] = $"host{i % 50}.example",
        ["uri"] = $"/static/{i % 1000}/object{i}.js",
        ["version"] = "HTTP/1.1",
        ["status"] = i % 10 == 0 ? 304 : 200,
        ["request_body_len"] = 0,
        ["response_body_len"] = 12_345,
        ["ttfb_ns"] = 1_234_567L,
        ["transfer_ns"] = 20_000L,
    };

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
