using System.Security.Cryptography;
using Sniffer.Core.Records;
using Sniffer.Dissectors.Http.Records;
using Sniffer.Engine;
using Sniffer.Storage.Mapping;
using Sniffer.TestSupport;
using Xunit;

namespace Sniffer.Storage.Tests;

public sealed class RoundTripTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Every_field_of_every_record_type_reads_back_as_written()
    {
        byte[] content = "hello, body"u8.ToArray();
        string sha = Convert.ToHexStringLower(SHA256.HashData(content));
        SnifferRecord[] records = [SyntheticRecords.Flow(7), SyntheticRecords.Anomaly(7), SyntheticRecords.FullHttp(7, content, sha), SyntheticRecords.PlainHttp(8, 1)];
        string db = _folder.File("all.sniffer.db");

        using (var writer = SessionStoreWriter.Open(db))
        {
            writer.BeginCapture(new CaptureSource("synthetic.pcap") { Interface = "eth0", Filter = "tcp port 80" });
            foreach (SnifferRecord record in records) writer.Emit(record);
            writer.EndCapture(new CaptureTotals(SyntheticRecords.BaseNs, SyntheticRecords.BaseNs + 5, new Dictionary<string, long> { ["frames"] = 12 }));
        }

        using var reader = SessionStoreReader.Open(db);
        Assert.Equal(RecordJson.Of(records[0]), RecordJson.Of(Assert.Single(reader.Flows(Page.First(10))).Record));
        Assert.Equal(RecordJson.Of(records[1]), RecordJson.Of(Assert.Single(reader.Anomalies(Page.First(10))).Record));
        var http = reader.Http(Page.First(10));
        Assert.Equal([RecordJson.Of(records[2]), RecordJson.Of(records[3])], http.Select(h => RecordJson.Of(h.Record)));
        Assert.Equal(content, reader.GetBody(sha));
        // The request body's three bytes are stored under its own hash, the benchmark exchange has none.
        Assert.Equal([1, 2, 3], reader.GetBody(new string('a', 64)));
        Assert.Null(reader.GetBody(new string('0', 64)));

        StoredCapture capture = Assert.Single(reader.Captures());
        Assert.Equal(new CaptureSource("synthetic.pcap") { Interface = "eth0", Filter = "tcp port 80" }, capture.Source);
        Assert.Equal(SyntheticRecords.BaseNs + 5, capture.Totals!.LastPacketNs);
        Assert.Equal(12, capture.Totals.Counters["frames"]);
        Assert.All(http, h => Assert.Equal(capture.Id, h.Capture));
        Assert.Equal(2 + 1 + 0, reader.Count(StoreCollections.Cookies)); // sid, theme sent; sid set
    }

    [Fact]
    public void Records_of_unmapped_plug_in_types_go_to_a_collection_named_after_the_type()
    {
        string db = _folder.File("plugin.sniffer.db");
        using (var writer = SessionStoreWriter.Open(db))
        {
            writer.BeginCapture(new CaptureSource("x"));
            writer.Emit(new PluginRecord { FlowId = 3, TimeNs = 99, Query = "example.com", Answers = 2 });
        }

        using var reader = SessionStoreReader.Open(db);
        var document = Assert.Single(reader.Documents("Sniffer_Storage_Tests_PluginRecord", Page.First(10)));
        Assert.Equal(3, document[StoredFields.Flow].AsInt64);
        Assert.Equal(99, document[StoredFields.Time].AsInt64);
        Assert.Equal("example.com", document["query"].AsString);
        Assert.Equal(2, document["answers"].AsInt32);
    }

    [Fact]
    public void Identical_bodies_are_stored_once()
    {
        (byte[] content, string sha) = RandomBody(10_000);
        string db = _folder.File("dedup.sniffer.db");
        using (var writer = SessionStoreWriter.Open(db, new SessionStoreWriterOptions { BatchSize = 1 }))
        {
            writer.BeginCapture(new CaptureSource("x"));
            for (int i = 1; i <= 3; i++) writer.Emit(SyntheticRecords.FullHttp(i, content, sha));
        }

        using var reader = SessionStoreReader.Open(db);
        Assert.Equal(3, reader.CountHttp());
        Assert.Equal(2, reader.Count(StoreCollections.BodyFiles)); // this body and the request's, each once
        Assert.Equal(content, reader.GetBody(sha));
    }

    [Fact]
    public void Bodies_are_stored_as_LiteDB_file_storage_stores_them()
    {
        // Three chunks (255 KB, 255 KB, the rest) and one: the shapes LiteStorage.Upload gives, which readers rely on.
        (byte[] large, string largeSha) = RandomBody(600_000);
        string written = _folder.File("written.sniffer.db");
        using (var writer = SessionStoreWriter.Open(written))
        {
            writer.BeginCapture(new CaptureSource("x"));
            writer.Emit(SyntheticRecords.FullHttp(1, large, largeSha));
        }
        string uploaded = _folder.File("uploaded.db");
        using (var reference = new LiteDB.LiteDatabase(uploaded))
        {
            var storage = reference.GetStorage<string>(StoreCollections.BodyFiles, StoreCollections.BodyChunks);
            storage.Upload(largeSha, largeSha, new MemoryStream(large));
            storage.Upload(new string('a', 64), new string('a', 64), new MemoryStream([1, 2, 3]));
        }

        using var ours = new LiteDB.LiteDatabase($"Filename={written};ReadOnly=true");
        using var theirs = new LiteDB.LiteDatabase($"Filename={uploaded};ReadOnly=true");
        foreach (string id in new[] { largeSha, new string('a', 64) })
        {
            LiteDB.BsonDocument file = ours.GetCollection(StoreCollections.BodyFiles).FindById(id);
            LiteDB.BsonDocument expected = theirs.GetCollection(StoreCollections.BodyFiles).FindById(id);
            Assert.Equal(expected.Keys.Order(), file.Keys.Order());
            foreach (string field in expected.Keys.Where(k => k != "uploadDate")) Assert.Equal(expected[field], file[field]);
            Assert.Equal(expected["uploadDate"].Type, file["uploadDate"].Type);
        }
        Assert.Equal(3, ours.GetCollection(StoreCollections.BodyFiles).FindById(largeSha)["chunks"].AsInt32);
        Assert.Equal(
            theirs.GetCollection(StoreCollections.BodyChunks).FindAll().OrderBy(c => c["_id"]).Select(c => c.ToString()),
            ours.GetCollection(StoreCollections.BodyChunks).FindAll().OrderBy(c => c["_id"]).Select(c => c.ToString()));
        using var read = new MemoryStream();
        ours.GetStorage<string>(StoreCollections.BodyFiles, StoreCollections.BodyChunks).Download(largeSha, read);
        Assert.Equal(large, read.ToArray());
    }

    public static TheoryData<string> ProjectCaptures() => new(Directory.GetFiles(Path.Combine(RepositoryPaths.Captures, "tcp"), "*.pcap").Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(ProjectCaptures))]
    public void What_the_pipeline_emits_for_a_project_capture_reads_back_whole(string capture) =>
        AssertPipelineRoundTrip(Path.Combine(RepositoryPaths.Captures, "tcp", capture));

    [SharedCapturesTheory]
    [InlineData("real/http-cookies.pcap")]
    [InlineData("real/http-gzip-nginx.pcap")]
    [InlineData("real/http-methods.pcap")]
    public void What_the_pipeline_emits_for_a_real_capture_reads_back_whole(string capture) =>
        AssertPipelineRoundTrip(RepositoryPaths.Shared(capture));

    private void AssertPipelineRoundTrip(string capture)
    {
        var emitted = new ListSink();
        string db = _folder.File("capture.sniffer.db");
        using (var writer = SessionStoreWriter.Open(db))
        {
            writer.BeginCapture(new CaptureSource(capture));
            using var pipeline = new AnalysisPipeline(new PipelineOptions(), new CountingSink(emitted));
            CaptureFileAnalysis.Read([capture], pipeline);
            foreach (SnifferRecord record in emitted.Records) writer.Emit(record);
        }

        using var reader = SessionStoreReader.Open(db);
        AssertSameRecords(emitted.Records.OfType<FlowRecord>(), reader.Flows(Page.First(int.MaxValue)).Select(s => s.Record));
        AssertSameRecords(emitted.Records.OfType<HttpTransaction>(), reader.Http(Page.First(int.MaxValue)).Select(s => s.Record));
        AssertSameRecords(emitted.Records.OfType<Anomaly>(), reader.Anomalies(Page.First(int.MaxValue)).Select(s => s.Record));
        foreach (HttpBody body in emitted.Records.OfType<HttpTransaction>().SelectMany(Bodies).Where(b => b.Content.Length > 0))
            Assert.Equal(body.Content, reader.GetBody(body.Sha256));
    }

    private static IEnumerable<HttpBody> Bodies(HttpTransaction t) => new[] { t.Request?.Body, t.Response?.Body }.OfType<HttpBody>();

    /// <summary>Lists come back in time order; records with equal times keep emission order (ids break the tie).</summary>
    private static void AssertSameRecords(IEnumerable<SnifferRecord> expected, IEnumerable<SnifferRecord> actual) =>
        Assert.Equal(expected.OrderBy(r => r.TimeNs).Select(RecordJson.Of), actual.Select(RecordJson.Of));

    private static (byte[] Content, string Sha256) RandomBody(int size)
    {
        byte[] content = new byte[size];
        Random.Shared.NextBytes(content);
        return (content, Convert.ToHexStringLower(SHA256.HashData(content)));
    }
}

public sealed class PluginRecord : SnifferRecord
{
    public string Query { get; init; } = "";

    public int Answers { get; init; }
}
