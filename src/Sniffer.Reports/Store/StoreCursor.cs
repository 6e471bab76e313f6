using LiteDB;
using Sniffer.Core.Records;
using Sniffer.Storage;
using Sniffer.Storage.Mapping;

namespace Sniffer.Reports.Store;

/// <summary>
/// Walks a collection of a session database one page at a time, so a report of a million transactions holds
/// one page in memory. Pages follow the primary key (<c>_id &gt; last</c>) rather than skipping rows, so each page
/// costs the same however deep into the collection it is; <c>_id</c> is emission order (SCHEMA.md).
/// </summary>
public sealed class StoreCursor(SessionStoreReader store, int pageSize = 500)
{
    private static readonly RecordMappings Mappings = RecordMappings.CreateDefault();
    private static readonly IRecordMapping FlowMapping = Mappings.ForCollection(StoreCollections.Flows)!;

    // "$.flow", not "flow": LiteDB uses the flow index for the path expression it was created with, and otherwise
    // walks the primary key testing every flow (about a millisecond per lookup on 20,000 flows).
    private const string FlowPath = "$." + StoredFields.Flow;
    private const string CapturePath = "$." + StoredFields.Capture;

    public SessionStoreReader Store { get; } = store;

    /// <summary>Documents of <paramref name="collection"/> matching <paramref name="where"/> (all when null), in id order.</summary>
    public IEnumerable<BsonDocument> Documents(string collection, BsonExpression? where = null) =>
        Pages(collection, where).SelectMany(page => page);

    /// <summary>Records of a collection the store maps (flows, http, anomalies), with their documents' capture.</summary>
    public IEnumerable<Stored<TRecord>> Records<TRecord>(string collection, BsonExpression? where = null) where TRecord : SnifferRecord =>
        Documents(collection, where).Select(d => Map<TRecord>(collection, d));

    /// <summary>
    /// Documents with the flow record each names (null for capture-wide records, or a flow whose record is missing,
    /// as after a killed ingest). The flows of one page are read together.
    /// </summary>
    public IEnumerable<(BsonDocument Document, FlowRecord? Flow)> DocumentsWithFlows(string collection, BsonExpression? where = null)
    {
        foreach (IReadOnlyList<BsonDocument> page in Pages(collection, where))
        {
            Dictionary<(int, long), FlowRecord> flows = collection == StoreCollections.Flows
                ? page.ToDictionary(Key, d => (FlowRecord)FlowMapping.Read(d))
                : FlowsNamedBy(page);
            foreach (BsonDocument document in page) yield return (document, flows.GetValueOrDefault(Key(document)));
        }
    }

    public IEnumerable<(Stored<TRecord> Record, FlowRecord? Flow)> RecordsWithFlows<TRecord>(string collection, BsonExpression? where = null)
        where TRecord : SnifferRecord =>
        DocumentsWithFlows(collection, where).Select(pair => (Map<TRecord>(collection, pair.Document), pair.Flow));

    /// <summary>The flow record of (capture, flow), or null (a flow still open when an ingest was killed has none).</summary>
    public FlowRecord? Flow(int capture, long flow)
    {
        BsonDocument? document = Store.Documents(StoreCollections.Flows, Page.First(1),
            LiteDB.Query.And(LiteDB.Query.EQ(FlowPath, flow), LiteDB.Query.EQ(CapturePath, capture)), orderBy: FlowPath).FirstOrDefault();
        return document is null ? null : (FlowRecord)FlowMapping.Read(document);
    }

    private IEnumerable<IReadOnlyList<BsonDocument>> Pages(string collection, BsonExpression? where)
    {
        BsonValue last = BsonValue.MinValue;
        while (true)
        {
            BsonExpression after = LiteDB.Query.GT(StoredFields.Id, last);
            IReadOnlyList<BsonDocument> page = Store.Documents(collection, new Page(0, pageSize), Predicates.And(after, where));
            if (page.Count > 0) yield return page;
            if (page.Count < pageSize) yield break;
            last = page[^1][StoredFields.Id];
        }
    }

    /// <summary>
    /// The flows a page of records names. Records are emitted as their connections progress, so the flow ids of a
    /// page mostly lie close together: one range seek on the flow index reads them; scattered ids are looked up one by one.
    /// </summary>
    private Dictionary<(int, long), FlowRecord> FlowsNamedBy(IReadOnlyList<BsonDocument> page)
    {
        var flows = new Dictionary<(int, long), FlowRecord>();
        foreach (var capture in page.Select(Key).Where(k => k.Flow != 0).Distinct().GroupBy(k => k.Capture))
        {
            long first = capture.Min(k => k.Flow), last = capture.Max(k => k.Flow);
            if (last - first < 4L * pageSize)
            {
                BsonExpression range = LiteDB.Query.And(LiteDB.Query.Between(FlowPath, first, last), LiteDB.Query.EQ(CapturePath, capture.Key));
                foreach (BsonDocument document in Store.Documents(StoreCollections.Flows, new Page(0, int.MaxValue), range, orderBy: FlowPath))
                    flows[Key(document)] = (FlowRecord)FlowMapping.Read(document);
            }
            else
            {
                foreach (var (_, flow) in capture)
                {
                    if (Flow(capture.Key, flow) is { } record) flows[(capture.Key, flow)] = record;
                }
            }
        }
        return flows;
    }

    private static (int Capture, long Flow) Key(BsonDocument document) =>
        (document[StoredFields.Capture].AsInt32, document[StoredFields.Flow].IsNumber ? document[StoredFields.Flow].AsInt64 : 0);

    private static Stored<TRecord> Map<TRecord>(string collection, BsonDocument document) where TRecord : SnifferRecord
    {
        IRecordMapping mapping = Mappings.ForCollection(collection)
            ?? throw new ArgumentException($"no record mapping for collection '{collection}'", nameof(collection));
        return new Stored<TRecord>(document[StoredFields.Id].AsInt64, document[StoredFields.Capture].AsInt32, (TRecord)mapping.Read(document));
    }
}
