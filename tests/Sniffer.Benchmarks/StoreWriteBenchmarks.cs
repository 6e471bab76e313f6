using BenchmarkDotNet.Attributes;
using Sniffer.Benchmarks.Support;
using Sniffer.Benchmarks.Traffic;
using Sniffer.Core.Dissection;
using Sniffer.Dissectors.Http;
using Sniffer.Dissectors.Http.Records;
using Sniffer.Storage;
using Sniffer.TestSupport;

namespace Sniffer.Benchmarks;

/// <summary>
/// <see cref="SessionStoreWriter"/> storing a batch of HTTP transactions into a new LiteDB file on disk: each call
/// emits <see cref="Transactions"/> records and completes the writer, which commits the last batch and checkpoints the
/// log. The records are the ones the HTTP dissector makes of the keep-alive connection of
/// <see cref="StreamDissectorBenchmarks"/>, played for 50 sites (hosts and targets differ) one after another, 20 ms
/// apart, as a capture holds them; bodies are measured and hashed but not kept (MaxBodyBytes 0), so the figure is the
/// store's per-record cost. (Identical records would measure LiteDB's skip lists walking long runs of equal keys.) Opening the file and creating its indexes happen
/// in the iteration setup, outside the measurement; the temporary folder is deleted after each call.
/// </summary>
[MemoryDiagnoser]
public class StoreWriteBenchmarks
{
    public const int Transactions = 10_000;
    private const int Sites = 50;
    private const long ConnectionIntervalNs = 20_000_000;

    private readonly List<HttpTransaction> _records = new(Transactions);
    private string _root = "";
    private string _folder = "";
    private SessionStoreWriter? _writer;

    public static long TransactionsPerOperation => Transactions;

    [GlobalSetup]
    public void Setup()
    {
        StreamReplay[] sites = [.. Enumerable.Range(0, Sites).Select(site => new StreamReplay(HttpTraffic.KeepAliveConnection(site), serverPort: 80))];
        var factory = new HttpDissectorFactory();
        var settings = DissectorSettings.Default with { MaxBodyBytes = 0 };
        var sink = new ListSink();
        for (int flowId = 1; sink.Records.Count < Transactions; flowId++)
        {
            sites[flowId % Sites].Play(factory, flowId, sink, settings, StreamReplay.DefaultStartNs + flowId * ConnectionIntervalNs);
        }
        InputCheck.Expect<HttpTransaction>(sink, sink.Records.Count, "keep-alive connections");
        _records.AddRange(sink.Records.OfType<HttpTransaction>().Take(Transactions));
        _root = Directory.CreateTempSubdirectory("sniffer-store-bench-").FullName;
    }

    [IterationSetup]
    public void OpenNewStore()
    {
        _folder = Directory.CreateDirectory(Path.Combine(_root, Guid.NewGuid().ToString("N"))).FullName;
        _writer = SessionStoreWriter.Open(Path.Combine(_folder, "bench.sniffer.db"));
        _writer.BeginCapture(new CaptureSource("benchmark"));
    }

    [Benchmark]
    [ItemsPerOperation(nameof(TransactionsPerOperation), "transactions")]
    public long WriteHttpTransactions()
    {
        SessionStoreWriter writer = _writer!;
        foreach (HttpTransaction record in _records) writer.Emit(record);
        writer.Complete();
        return writer.RecordsCommitted;
    }

    [IterationCleanup]
    public void DeleteStore()
    {
        _writer?.Dispose();
        _writer = null;
        Directory.Delete(_folder, recursive: true);
    }

    [GlobalCleanup]
    public void DeleteRoot()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
