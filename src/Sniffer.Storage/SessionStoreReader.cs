using LiteDB;
using Sniffer.Core.Records;
using Sniffer.Dissectors.Http.Records;
using Sniffer.Storage.Mapping;

namespace Sniffer.Storage;

/// <summary>A record as stored: its id (emission order within its collection) and its capture.</summary>
public sealed record Stored<TRecord>(long Id, int Capture, TRecord Record) where TRecord : SnifferRecord;

/// <summary>One page of a list ordered by an index: <c>Skip</c> rows, then at most <c>Take</c>.</summary>
public readonly record struct Page(int Skip, int Take)
{
    public static Page First(int take) => new(0, take);
}

/// <summary>Narrows an HTTP list. Each condition uses its own index; an empty filter lists everything.</summary>
public sealed record HttpFilter
{
    public string? Host { get; init; }

    public int? Status { get; init; }

    /// <summary>Request targets starting with this text.</summary>
    public string? UriPrefix { get; init; }

    public int? Capture { get; init; }
}

/// <summary>
/// The query side for the UI and reports. Lists come in pages ordered by time (an index), so a table can
/// scroll through millions of rows without reading them all. Opened on a file it holds a shared lock and the
/// file is read-only; from <see cref="SessionStoreWriter.CreateReader"/> it shares the writer's database.
/// </summary>
public sealed class SessionStoreReader : IDisposable
{
    private readonly LiteDatabase _database;
    private readonly RecordMappings _mappings;
    private readonly IDisposable? _owned;

    internal SessionStoreReader(LiteDatabase database, RecordMappings mappings, IDisposable? owned)
    {
        _database = database;
        _mappings = mappings;
        _owned = owned;
    }

    /// <summary>Opens an existing database read-only; refuses one being written, of another schema, or not a Sniffer database.</summary>
    public static SessionStoreReader Open(string path, RecordMappings? mappings = null)
    {
        path = System.IO.Path.GetFullPath(path);
        if (!File.Exists(path)) throw new SessionStoreException($"{path} does not exist");
        StoreLock storeLock = StoreLock.ForReading(path);
        try
        {
            // LiteDB replays a log left by a killed writer only when it may write; without that, the last batches
            // would be invisible. The shared lock guarantees no writer is running, so the replay is safe.
            bool recover = File.Exists(LogPathFor(path));
            LiteDatabase database = SessionStore.Open(path, readOnly: !recover);
            return new SessionStoreReader(database, mappings ?? RecordMappings.CreateDefault(), new Owned(database, storeLock));
        }
        catch
        {
            storeLock.Dispose();
            throw;
        }
    }

    public IReadOnlyList<StoredCapture> Captures() =>
        _database.GetCollection(StoreCollections.Captures).Query().OrderBy("_id").ToList().Select(StoredCapture.Read).ToList();

    public long CountFlows() => _database.GetCollection(StoreCollections.Flows).LongCount();

    public long CountHttp(HttpFilter? filter = null) =>
        filter is null ? _database.GetCollection(StoreCollections.Http).LongCount() : HttpQuery(HttpConditions(filter)).LongCount();

    public long CountAnomalies(string? kind = null) => kind is null
        ? _database.GetCollection(StoreCollections.Anomalies).LongCount()
        : _database.GetCollection(StoreCollections.Anomalies).LongCount(KeyEquals("kind", kind));

    /// <summary>Documents in any collection, including those of plug-in record types stored generically.</summary>
    public long Count(string collection) => _database.GetCollection(collection).LongCount();

    public IReadOnlyList<Stored<FlowRecord>> Flows(Page page, int? capture = null) =>
        Read<FlowRecord>(StoreCollections.Flows, capture is null ? null : LiteDB.Query.EQ(StoredFields.Capture, capture.Value), page);

    public IReadOnlyList<Stored<HttpTransaction>> Http(Page page, HttpFilter? filter = null) =>
        Read<HttpTransaction>(StoreCollections.Http, HttpConditions(filter ?? new HttpFilter()) switch
        {
            [] => null,
            [var only] => only,
            var conditions => LiteDB.Query.And(conditions.ToArray()),
        }, page);

    public IReadOnlyList<Stored<Anomaly>> Anomalies(Page page, string? kind = null) =>
        Read<Anomaly>(StoreCollections.Anomalies, kind is null ? null : KeyEquals("kind", kind), page);

    /// <summary>Every record of one flow in one capture, by type.</summary>
    public IReadOnlyList<Stored<TRecord>> ForFlow<TRecord>(string collection, int capture, long flow) where TRecord : SnifferRecord =>
        Read<TRecord>(collection, LiteDB.Query.And(LiteDB.Query.EQ(StoredFields.Flow, flow), LiteDB.Query.EQ(StoredFields.Capture, capture)), new Page(0, int.MaxValue));

    /// <summary>Documents matching <paramref name="where"/> (all when null); LiteDB uses an index on the expression when there is one.</summary>
    public long Count(string collection, BsonExpression? where) =>
        where is null ? Count(collection) : _database.GetCollection(collection).LongCount(where);

    /// <summary>
    /// Raw documents of a collection, optionally filtered, in <paramref name="orderBy"/> order (default: id, which is
    /// emission order) — how plug-in, mail and analysis records read back, and what list views page through.
    /// </summary>
    public IReadOnlyList<BsonDocument> Documents(string collection, Page page, BsonExpression? where = null,
        string orderBy = StoredFields.Id, bool descending = false)
    {
        if (where is { IsScalar: true } && IsIndexed(collection, orderBy) && IndexOrderPage(collection, page, where, orderBy, descending) is { } found) return found;
        ILiteQueryable<BsonDocument> query = _database.GetCollection(collection).Query();
        if (where is not null) query = query.Where(where);
        query = descending ? query.OrderByDescending(orderBy) : query.OrderBy(orderBy);
        return query.Skip(page.Skip).Limit(page.Take).ToList();
    }

    /// <summary>
    /// Documents matching a selective filter (a flow's records, an id, a hash), ordered by <paramref name="orderBy"/>:
    /// LiteDB's plan seeks the filter's index and sorts the few matches. <see cref="Documents"/> would first walk the
    /// order's index for a page of dense matches, reading hundreds of rows for what is one seek here.
    /// </summary>
    public IReadOnlyList<BsonDocument> Matching(string collection, BsonExpression where, int max, string orderBy = StoredFields.Id) =>
        _database.GetCollection(collection).Query().Where(where).OrderBy(orderBy).Limit(max).ToList();

    /// <summary>
    /// Documents whose time is in [<paramref name="fromNs"/>, <paramref name="untilNs"/>], in time order (newest first
    /// if asked), at most <paramref name="max"/>. Only the time goes to LiteDB, so its plan seeks the time index to the
    /// window and reads along it: a window late in a large capture costs its own rows, not the rows before it.
    /// </summary>
    public IReadOnlyList<BsonDocument> During(string collection, long fromNs, long untilNs, int max, bool newestFirst = false)
    {
        ILiteQueryable<BsonDocument> query = _database.GetCollection(collection).Query().Where(LiteDB.Query.Between(StoredFields.Time, fromNs, untilNs));
        query = newestFirst ? query.OrderByDescending("$." + StoredFields.Time) : query.OrderBy("$." + StoredFields.Time);
        return query.Limit(max).ToList();
    }

    /// <summary>Rows examined before the walk in index order judges whether it will find its page soon enough.</summary>
    private const int SampleRows = 500;

    /// <summary>Rows the walk in index order may examine, estimated from the matches so far, before it gives way to LiteDB's plan.</summary>
    private const long MaxWalkRows = 10_000;

    /// <summary>
    /// A filtered page in the order of an index, read by walking that index and testing each document — or null when
    /// the matches are too sparse for that. LiteDB's own plan seeks the filter's index and then sorts every match
    /// (on disk when they are many): a first page of status=304 among a million exchanges sorted 100,000 documents.
    /// The walk stops at the page's last row, so when matches are dense it reads a few hundred documents; when
    /// they are sparse, sorting the few matches is cheaper, and the walk gives up after a sample says so.
    /// </summary>
    private List<BsonDocument>? IndexOrderPage(string collection, Page page, BsonExpression where, string orderBy, bool descending)
    {
        long wanted = (long)page.Skip + page.Take;
        if (wanted > MaxWalkRows) return null;
        ILiteQueryable<BsonDocument> query = _database.GetCollection(collection).Query();
        query = descending ? query.OrderByDescending(orderBy) : query.OrderBy(orderBy);
        Collation collation = _database.Collation;
        var rows = new List<BsonDocument>(page.Take);
        long examined = 0, matched = 0;
        foreach (BsonDocument document in query.ToEnumerable())
        {
            examined++;
            if (where.ExecuteScalar(document, collation) is { IsBoolean: true, AsBoolean: true } && ++matched > page.Skip)
            {
                rows.Add(document);
                if (matched == wanted) break;
            }
            if (examined >= SampleRows && (matched == 0 || wanted * examined / matched > MaxWalkRows)) return null;
        }
        return rows;
    }

    /// <summary>True when <paramref name="orderBy"/> is the expression of one of the collection's indexes.</summary>
    private bool IsIndexed(string collection, string orderBy)
    {
        string source = BsonExpression.Create(orderBy).Source;
        return _database.GetCollection("$indexes").Find(LiteDB.Query.EQ("collection", collection))
            .Any(index => BsonExpression.Create(index["expression"].AsString).Source == source);
    }

    /// <summary>The stored bytes of a body (at most the dissector's cap; see <see cref="HttpBody.ContentTruncated"/>), or null.</summary>
    public byte[]? GetBody(string sha256)
    {
        var bodies = _database.GetStorage<string>(StoreCollections.BodyFiles, StoreCollections.BodyChunks);
        LiteFileInfo<string>? file = bodies.FindById(sha256);
        if (file is null) return null;
        using var content = new MemoryStream((int)file.Length);
        file.CopyTo(content);
        return content.ToArray();
    }

    /// <summary>Every document of a collection in time order, streamed (for reports over collections read as documents).</summary>
    public IEnumerable<BsonDocument> AllDocuments(string collection) =>
        _database.GetCollection(collection).Query().OrderBy(StoredFields.Time).ToEnumerable();

    /// <summary>Every flow, HTTP exchange and anomaly of the database in time order per type, for a full report.</summary>
    public IEnumerable<Stored<SnifferRecord>> All(string collection)
    {
        IRecordMapping mapping = _mappings.ForCollection(collection)
            ?? throw new ArgumentException($"no record mapping for collection '{collection}'", nameof(collection));
        foreach (BsonDocument document in _database.GetCollection(collection).Query().OrderBy(StoredFields.Time).ToEnumerable())
            yield return new Stored<SnifferRecord>(document[StoredFields.Id].AsInt64, document[StoredFields.Capture].AsInt32, mapping.Read(document));
    }

    public void Dispose() => _owned?.Dispose();

    internal static string LogPathFor(string path) =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, System.IO.Path.GetFileNameWithoutExtension(path) + "-log" + System.IO.Path.GetExtension(path));

    private ILiteQueryable<BsonDocument> HttpQuery(IEnumerable<BsonExpression> conditions)
    {
        ILiteQueryable<BsonDocument> query = _database.GetCollection(StoreCollections.Http).Query();
        foreach (BsonExpression condition in conditions) query = query.Where(condition);
        return query;
    }

    /// <summary>The filter's conditions, values written into them (LiteDB's Query.And would drop parameters).</summary>
    private static List<BsonExpression> HttpConditions(HttpFilter filter)
    {
        var conditions = new List<BsonExpression>();
        if (filter.Host is not null) conditions.Add(KeyEquals("host", filter.Host));
        if (filter.Status is { } status) conditions.Add(LiteDB.Query.EQ("status", status));
        if (filter.UriPrefix is { } prefix)
        {
            conditions.Add(LiteDB.Query.StartsWith("uri", Bson.IndexKey(prefix)));
            // The index holds the first characters only; a longer prefix is checked on the whole target, among those rows.
            if (prefix.Length > Bson.IndexKeyLength) conditions.Add(LiteDB.Query.StartsWith(Bson.FullName("uri"), prefix));
        }
        if (filter.Capture is { } capture) conditions.Add(LiteDB.Query.EQ(StoredFields.Capture, capture));
        return conditions;
    }

    /// <summary>Equality through the index on the cut key, then on the whole value when it was too long to index.</summary>
    private static BsonExpression KeyEquals(string field, string value) =>
        value.Length > Bson.IndexKeyLength
            ? LiteDB.Query.And(LiteDB.Query.EQ(field, Bson.IndexKey(value)), LiteDB.Query.EQ(Bson.FullName(field), value))
            : LiteDB.Query.EQ(field, value);

    private IReadOnlyList<Stored<TRecord>> Read<TRecord>(string collection, BsonExpression? where, Page page) where TRecord : SnifferRecord
    {
        IRecordMapping mapping = _mappings.ForCollection(collection)!;
        return Documents(collection, page, where, StoredFields.Time)
            .Select(d => new Stored<TRecord>(d[StoredFields.Id].AsInt64, d[StoredFields.Capture].AsInt32, (TRecord)mapping.Read(d)))
            .ToList();
    }

    private sealed class Owned(LiteDatabase database, StoreLock storeLock) : IDisposable
    {
        public void Dispose()
        {
            database.Dispose();
            storeLock.Dispose();
        }
    }
}
