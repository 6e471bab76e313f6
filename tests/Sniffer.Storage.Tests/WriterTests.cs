using Sniffer.Core.Records;
using Sniffer.Dissectors.Http.Records;
using Xunit;

namespace Sniffer.Storage.Tests;

public sealed class WriterTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Bodies_waiting_for_the_store_stay_within_the_byte_budget_and_all_arrive()
    {
        const long budget = 2L << 20;
        byte[] content = new byte[256 * 1024];
        Random.Shared.NextBytes(content);
        string sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content));
        string db = _folder.File("budget.sniffer.db");
        long highest = 0;
        using (var writer = SessionStoreWriter.Open(db, new SessionStoreWriterOptions
               {
                   MaxQueuedBytes = budget,
                   BatchSize = 100_000,
                   MaxBatchDelay = TimeSpan.FromSeconds(30),
               }))
        {
            writer.BeginCapture(new CaptureSource("budget"));
            for (int i = 1; i <= 40; i++)
            {
                writer.Emit(SyntheticRecords.FullHttp(i, content, sha));
                highest = Math.Max(highest, writer.QueuedBytes);
            }
            writer.Complete();
        }

        // 40 bodies of 256 KB are 10 MB: only the budget's worth (plus the record let through last) was ever held.
        Assert.InRange(highest, 256 * 1024, budget + 256 * 1024 + 2048);
        using var reader = SessionStoreReader.Open(db);
        Assert.Equal(40, reader.CountHttp());
    }

    [Fact]
    public void Flush_makes_everything_emitted_before_it_visible_to_a_reader_of_the_same_database()
    {
        // A batch size and delay that would otherwise hold the records back for the whole test.
        using var writer = SessionStoreWriter.Open(_folder.File("flush.sniffer.db"),
            new SessionStoreWriterOptions { BatchSize = 1_000_000, MaxBatchDelay = TimeSpan.FromHours(1) });
        using SessionStoreReader reader = writer.CreateReader();
        writer.BeginCapture(new CaptureSource("x"));
        for (int flow = 1; flow <= 25; flow++) writer.Emit(SyntheticRecords.Flow(flow));
        Assert.Equal(0, reader.CountFlows());

        writer.Flush();

        Assert.Equal(25, reader.CountFlows());
        Assert.Equal(25, writer.RecordsCommitted);
    }

    [Fact]
    public void A_queue_far_smaller_than_the_input_blocks_the_emitter_and_loses_nothing()
    {
        string db = _folder.File("backpressure.sniffer.db");
        const int flows = 5_000;
        using (var writer = SessionStoreWriter.Open(db, new SessionStoreWriterOptions { QueueCapacity = 8, BatchSize = 64 }))
        {
            writer.BeginCapture(new CaptureSource("x"));
            for (int flow = 1; flow <= flows; flow++)
            {
                writer.Emit(SyntheticRecords.Flow(flow));
                writer.Emit(SyntheticRecords.Anomaly(flow));
            }
            writer.Complete();
            Assert.True(writer.BatchesCommitted >= 2 * flows / 64);
        }

        using var reader = SessionStoreReader.Open(db);
        Assert.Equal(flows, reader.CountFlows());
        Assert.Equal(flows, reader.CountAnomalies());
        Assert.Equal(Enumerable.Range(1, flows).Select(i => (long)i), reader.Flows(Page.First(flows)).Select(f => f.Id));
    }

    [Fact]
    public void Captures_appended_later_get_their_own_ids_and_records()
    {
        string db = _folder.File("two.sniffer.db");
        for (int run = 1; run <= 2; run++)
        {
            using var writer = SessionStoreWriter.Open(db);
            Assert.Equal(run, writer.BeginCapture(new CaptureSource($"capture{run}.pcap")));
            // Flow ids restart with each pipeline; the capture id keeps them apart.
            writer.Emit(SyntheticRecords.Flow(1));
            writer.EndCapture(new CaptureTotals(null, null, new Dictionary<string, long>()));
        }

        using var reader = SessionStoreReader.Open(db);
        Assert.Equal(["capture1.pcap", "capture2.pcap"], reader.Captures().Select(c => c.Source.Source));
        Assert.Equal([1, 2], reader.Flows(Page.First(10)).Select(f => f.Capture));
        Assert.Equal([2], reader.Flows(Page.First(10), capture: 2).Select(f => f.Capture));
        Assert.Equal([1L, 2L], reader.Flows(Page.First(10)).Select(f => f.Id));
    }

    [Fact]
    public void Paged_http_queries_filter_by_host_status_and_uri_prefix_in_time_order()
    {
        using var writer = SessionStoreWriter.Open(_folder.File("query.sniffer.db"));
        using SessionStoreReader reader = writer.CreateReader();
        writer.BeginCapture(new CaptureSource("x"));
        for (int flow = 1; flow <= 100; flow++) writer.Emit(SyntheticRecords.PlainHttp(flow, 1));
        writer.Flush();

        var host7 = new HttpFilter { Host = "host7.example" };
        Assert.Equal(2, reader.CountHttp(host7)); // flows 7 and 57
        Assert.Equal([7L, 57L], reader.Http(Page.First(10), host7).Select(h => h.Record.FlowId));
        Assert.Equal([57L], reader.Http(new Page(1, 10), host7).Select(h => h.Record.FlowId));
        Assert.Equal(10, reader.CountHttp(new HttpFilter { Status = 304 }));
        Assert.Equal([10L, 20L, 30L], reader.Http(Page.First(3), new HttpFilter { Status = 304 }).Select(h => h.Record.FlowId));
        Assert.Equal([7L], reader.Http(Page.First(10), new HttpFilter { UriPrefix = "/static/7/" }).Select(h => h.Record.FlowId));
        Assert.Equal(0, reader.CountHttp(new HttpFilter { Host = "host7.example", Status = 304 }));
    }

    [Fact]
    public void Values_too_long_for_an_index_key_are_stored_whole_and_still_found()
    {
        // LiteDB refuses index keys of 1023 bytes or more; one hostile request must not cost the batch around it.
        string longHost = new string('h', 3000) + ".example";
        string longTarget = "/" + new string('€', 2000);
        HttpTransaction plain = SyntheticRecords.PlainHttp(1, 1);
        var hostile = new HttpTransaction
        {
            FlowId = 2, TimeNs = plain.TimeNs + 1, Index = 1, Host = longHost, Timings = plain.Timings, Caching = plain.Caching,
            Request = new HttpRequest { Method = new string('M', 1500), Target = longTarget, TargetForm = HttpTargetForm.Origin, Version = "HTTP/1.1" },
        };
        using var writer = SessionStoreWriter.Open(_folder.File("long.sniffer.db"));
        using SessionStoreReader reader = writer.CreateReader();
        writer.Emit(plain);
        writer.Emit(hostile);
        writer.Emit(new Anomaly { Kind = new string('k', 2000), Source = "plugin" });
        writer.Flush();

        Assert.Equal(2, reader.CountHttp());
        Assert.Equal(RecordJson.Of(hostile), RecordJson.Of(Assert.Single(reader.Http(Page.First(10), new HttpFilter { Host = longHost })).Record));
        Assert.Equal(0, reader.CountHttp(new HttpFilter { Host = longHost[..^1] }));
        Assert.Equal(1, reader.CountHttp(new HttpFilter { UriPrefix = longTarget[..1500] }));
        Assert.Equal(0, reader.CountHttp(new HttpFilter { UriPrefix = longTarget[..1500] + "x" }));
        Assert.Equal(1, reader.CountAnomalies(new string('k', 2000)));
    }

    [Fact]
    public void Emitting_after_complete_is_an_error_not_a_silent_loss()
    {
        var writer = SessionStoreWriter.Open(_folder.File("done.sniffer.db"));
        writer.Complete();
        Assert.Throws<InvalidOperationException>(() => writer.Emit(SyntheticRecords.Flow(1)));
    }

    [Fact]
    public void Anomalies_are_counted_by_kind()
    {
        using var writer = SessionStoreWriter.Open(_folder.File("kinds.sniffer.db"));
        using SessionStoreReader reader = writer.CreateReader();
        writer.Emit(SyntheticRecords.Anomaly(1));
        writer.Emit(new Anomaly { Kind = AnomalyKinds.TcpOverlapMismatch, Source = "tcp" });
        writer.Flush();

        Assert.Equal(1, reader.CountAnomalies(AnomalyKinds.TcpContentGap));
        Assert.Equal(2, reader.CountAnomalies());
        Assert.Equal([AnomalyKinds.TcpOverlapMismatch], reader.Anomalies(Page.First(10), AnomalyKinds.TcpOverlapMismatch).Select(a => a.Record.Kind));
    }
}
