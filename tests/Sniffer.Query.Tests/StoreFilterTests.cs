using LiteDB;
using Sniffer.Core.Dissection;
using Sniffer.Core.Records;
using Sniffer.Dissectors.Http.Records;
using Sniffer.Storage;
using Sniffer.Storage.Queries;
using Xunit;

namespace Sniffer.Query.Tests;

/// <summary>Filters translated for the store and run by LiteDB on a real database file written by the session writer.</summary>
public sealed class StoreFilterTests : IDisposable
{
    private const long BaseNs = 1_714_557_600_000_000_000; // 2024-05-01T10:00:00Z
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"sniffer-query-{Guid.NewGuid():N}");
    private readonly string _database;

    public StoreFilterTests()
    {
        Directory.CreateDirectory(_folder);
        _database = Path.Combine(_folder, "filter.sniffer.db");
        using var writer = SessionStoreWriter.Open(_database);
        writer.BeginCapture(new CaptureSource("synthetic.pcap"));
        writer.Emit(Flow(1, "10.0.0.1", 40001, "93.184.216.34", 80, "http", rttNs: 2_000_000, bytes: 5_000));
        writer.Emit(Flow(2, "10.0.0.2", 40002, "192.0.2.25", 25, "smtp", rttNs: 300_000_000, bytes: 2_000_000));
        writer.Emit(Flow(3, "10.0.0.1", 40003, "192.0.2.143", 143, null, rttNs: null, bytes: 0));
        // id 1: a fast 200 with a 2 MB JSON body and a cookie; id 2: a 304 revalidation; id 3: a slow 404 to another host;
        // id 4: a request that never got an answer; id 5: a host too long for the index.
        writer.Emit(Http(1, "www.Example.com", "GET", "/api/v1/items", 200, ttfbMs: 20, size: 2_000_000, cookies: ["sid"]));
        writer.Emit(Http(1, "www.example.com", "GET", "/logo.png", 304, ttfbMs: 5, size: null, cookies: ["sid", "theme"]));
        writer.Emit(Http(1, "cdn.other.org", "POST", "/upload?x=1", 404, ttfbMs: 450, size: 512, cookies: []));
        writer.Emit(Http(1, "cdn.other.org", "GET", "/never", null, ttfbMs: null, size: null, cookies: []));
        writer.Emit(Http(1, LongHost, "GET", "/", 200, ttfbMs: 1, size: 10, cookies: []));
        writer.Emit(new Anomaly { FlowId = 1, TimeNs = BaseNs, Kind = "http_smuggling_cl_te", Source = "http", Detail = "Content-Length and \u001b[2J Transfer-Encoding" });
        writer.Emit(new Anomaly { FlowId = 3, TimeNs = BaseNs + 5, Kind = "tcp_content_gap", Source = "tcp", Detail = "" });
    }

    private static readonly string LongHost = new string('a', 230) + ".example.net";

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("http.status == 304 && host ~ \"example\"", new long[] { 2 })]
    [InlineData("host == www.example.com", new long[] { 1, 2 })]
    [InlineData("host ~ EXAMPLE", new long[] { 1, 2, 5 })]
    [InlineData("host != www.example.com", new long[] { 3, 4, 5 })]
    [InlineData("status < 300", new long[] { 1, 5 })]
    [InlineData("status != 200", new long[] { 2, 3 })]
    [InlineData("!(status == 200)", new long[] { 2, 3, 4 })]
    [InlineData("!status", new long[] { 4 })]
    [InlineData("ttfb > 200ms", new long[] { 3 })]
    [InlineData("ttfb <= 5ms", new long[] { 2, 5 })]
    [InlineData("size > 1MB", new long[] { 1 })]
    [InlineData("size >= 512 && size < 1KiB", new long[] { 3 })]
    [InlineData("method == post || uri ~ /^\\/api\\/v\\d/", new long[] { 1, 3 })]
    [InlineData("uri ~ /PNG$/", new long[] { 2 })]
    [InlineData("http.cookie == theme", new long[] { 2 })]
    [InlineData("http.cookie ~ si", new long[] { 1, 2 })]
    [InlineData("http.cookie != theme", new long[] { 1 })]
    [InlineData("http.cookie", new long[] { 1, 2 })]
    [InlineData("time >= 1714557600.000000003", new long[] { 3, 4, 5 })]
    [InlineData("http.time > 0ns", new long[] { 1, 2, 3, 5 })]
    public void Http_filters_select_the_exchanges_they_describe(string text, long[] expectedIds) =>
        Assert.Equal(expectedIds, Ids(StoreCollections.Http, text));

    [Fact]
    public void A_host_longer_than_the_index_key_is_found_whole_and_by_substring()
    {
        Assert.Equal([5], Ids(StoreCollections.Http, $"host == \"{LongHost}\""));
        Assert.Equal([5], Ids(StoreCollections.Http, "host ~ example.net"));
        Assert.Empty(Ids(StoreCollections.Http, $"host == \"{LongHost[..200]}\""));
    }

    [Theory]
    [InlineData("protocol == smtp", new long[] { 2 })]
    [InlineData("!protocol", new long[] { 3 })]
    [InlineData("client.ip == 10.0.0.1 && server.port == 143", new long[] { 3 })]
    [InlineData("client ~ \"10.0.0.1:\"", new long[] { 1, 3 })]
    [InlineData("rtt > 100ms", new long[] { 2 })]
    [InlineData("rtt < 100ms", new long[] { 1 })]
    [InlineData("bytes >= 2MB", new long[] { 2 })]
    [InlineData("flow == 3", new long[] { 3 })]
    public void Flow_filters_select_the_connections_they_describe(string text, long[] expectedIds) =>
        Assert.Equal(expectedIds, Ids(StoreCollections.Flows, text));

    [Theory]
    [InlineData("kind ~ smuggling", new long[] { 1 })]
    [InlineData("anomaly.source == tcp", new long[] { 2 })]
    [InlineData("detail ~ \"\u001b[2J\"", new long[] { 1 })]
    [InlineData("detail", new long[] { 1 })]
    public void Anomaly_filters_select_the_anomalies_they_describe(string text, long[] expectedIds) =>
        Assert.Equal(expectedIds, Ids(StoreCollections.Anomalies, text));

    [Fact]
    public void Equality_on_an_indexed_field_seeks_its_index_and_checks_the_rest_on_what_it_found()
    {
        BsonExpression where = StoreFilter.ToBsonExpression(FilterExpression.Parse("host == www.example.com && ttfb > 1ms"), StoreCollections.Http);
        using var database = new LiteDatabase($"Filename={_database};ReadOnly=true");
        string plan = database.GetCollection(StoreCollections.Http).Query().Where(where).GetPlan().ToString();
        Assert.Contains("INDEX SEEK(host", plan);
    }

    [Theory]
    [InlineData("uri ~ logo")]
    [InlineData("uri ~ /png$/")]
    [InlineData("host != www.example.com")]
    [InlineData("!(host ~ example)")]
    public void Filters_no_index_can_answer_stream_in_the_lists_time_order_instead_of_sorting_every_match(string text)
    {
        // A list's first page must not wait for every match to be found and sorted: LiteDB should walk the time
        // index and stop after a page, which it only does when no other indexed term lures it away.
        BsonExpression where = StoreFilter.ToBsonExpression(FilterExpression.Parse(text), StoreCollections.Http);
        using var database = new LiteDatabase($"Filename={_database};ReadOnly=true");
        BsonDocument plan = database.GetCollection(StoreCollections.Http).Query().Where(where).OrderBy("$.ts").GetPlan();
        Assert.Equal("FULL INDEX SCAN(ts)", plan["index"]["mode"].AsString);
        Assert.True(plan["orderBy"].IsNull, plan.ToString());
    }

    [Fact]
    public void A_field_the_collection_does_not_hold_is_an_error_naming_the_fields_it_has()
    {
        Filter filter = FilterExpression.Parse("smtp.from ~ alice");
        var error = Assert.Throws<StoreFilterException>(() => StoreFilter.ToBsonExpression(filter, StoreCollections.Http));
        Assert.Contains("smtp.from is not a field of http records", error.Message);
        Assert.Contains("http.status", error.Message);
        Assert.False(StoreFilter.Applies(filter, StoreCollections.Http));
        Assert.True(StoreFilter.Applies(filter, StoreCollections.SmtpTransactions));
    }

    [Fact]
    public void Mail_collections_filter_on_the_documented_fields()
    {
        using var database = new LiteDatabase(":memory:");
        var transactions = database.GetCollection(StoreCollections.SmtpTransactions);
        transactions.Insert(new BsonDocument
        {
            ["_id"] = 1L, ["ts"] = BaseNs, ["flow"] = 2L, ["capture"] = 1,
            ["mail_from"] = "alice@example.org", ["subject"] = "Quarterly report",
            ["recipients"] = new BsonArray(Recipient("bob@example.net", true), Recipient("carol@example.com", false)),
        });
        transactions.Insert(new BsonDocument { ["_id"] = 2L, ["ts"] = BaseNs + 1, ["flow"] = 2L, ["capture"] = 1, ["mail_from"] = "mallory@evil.test" });
        var messages = database.GetCollection(StoreCollections.Messages);
        messages.Insert(new BsonDocument
        {
            ["_id"] = 1L, ["ts"] = BaseNs, ["flow"] = 2L, ["capture"] = 1, ["size"] = 3_000_000L, ["subject"] = "Re: hello",
            ["from"] = new BsonArray(new BsonValue("Alice <alice@example.org>")),
            ["attachments"] = new BsonArray(new BsonDocument { ["file_name"] = "report.PDF", ["size"] = 2_900_000L }),
        });

        Assert.Equal([1L], Ids(database, StoreCollections.SmtpTransactions, "smtp.from ~ alice"));
        Assert.Equal([1L], Ids(database, StoreCollections.SmtpTransactions, "smtp.to == CAROL@example.com"));
        Assert.Equal([1L], Ids(database, StoreCollections.SmtpTransactions, "smtp.to ~ /^bob@/"));
        Assert.Equal([2L], Ids(database, StoreCollections.SmtpTransactions, "!smtp.to"));
        Assert.Equal([1L], Ids(database, StoreCollections.Messages, "mail.attachment ~ .pdf && mail.size > 2MiB && subject ~ /^re:/"));
        Assert.Equal([1L], Ids(database, StoreCollections.Messages, "mail.from ~ alice"));
    }

    private static BsonValue Recipient(string address, bool accepted) => new BsonDocument { ["address"] = address, ["accepted"] = accepted };

    private long[] Ids(string collection, string filter)
    {
        using SessionStoreReader reader = SessionStoreReader.Open(_database);
        BsonExpression where = StoreFilter.ToBsonExpression(FilterExpression.Parse(filter), collection);
        long[] ids = reader.Documents(collection, Page.First(100), where).Select(d => d["_id"].AsInt64).ToArray();
        Assert.Equal(ids.Length, reader.Count(collection, where));
        return ids;
    }

    private static long[] Ids(LiteDatabase database, string collection, string filter) =>
        database.GetCollection(collection).Find(StoreFilter.ToBsonExpression(FilterExpression.Parse(filter), collection))
            .Select(d => d["_id"].AsInt64).Order().ToArray();

    private static FlowRecord Flow(long id, string client, ushort clientPort, string server, ushort serverPort, string? protocol, long? rttNs, long bytes) => new()
    {
        FlowId = id,
        TimeNs = BaseNs + id,
        Client = $"{client}:{clientPort}",
        Server = $"{server}:{serverPort}",
        ClientAddress = client,
        ClientPort = clientPort,
        ServerAddress = server,
        ServerPort = serverPort,
        Protocol = protocol,
        HandshakeRttNs = rttNs,
        ClientPayloadBytes = bytes / 10,
        ServerPayloadBytes = bytes - bytes / 10,
        CloseReason = StreamEndReason.Fin,
    };

    private int _index;

    private HttpTransaction Http(long flow, string host, string method, string target, int? status, int? ttfbMs, long? size, string[] cookies)
    {
        int index = ++_index;
        long start = BaseNs + index;
        return new HttpTransaction
        {
            FlowId = flow,
            TimeNs = start,
            Index = index,
            Host = host,
            Request = new HttpRequest { TargetForm = HttpTargetForm.Origin, Method = method, Target = target, Version = "HTTP/1.1", Headers = [new("Host", host)] },
            Response = status is null ? null : new HttpResponse
            {
                Version = "HTTP/1.1",
                StatusCode = status.Value,
                ReasonPhrase = "x",
                Body = size is null ? null : new HttpBody { Framing = HttpBodyFraming.ContentLength, DecodedLength = size.Value, Sha256 = new string('0', 64) },
            },
            Timings = ttfbMs is null
                ? new HttpTimings { RequestStartNs = start, RequestEndNs = start }
                : new HttpTimings { RequestStartNs = start, RequestEndNs = start, ResponseStartNs = start + ttfbMs.Value * 1_000_000L, ResponseEndNs = start + ttfbMs.Value * 1_000_000L + 1 },
            Caching = new HttpCaching(),
            Cookies = cookies.Select(c => new HttpCookie(c, "v")).ToList(),
        };
    }
}
