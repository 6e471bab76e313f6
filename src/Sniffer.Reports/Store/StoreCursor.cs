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

    public SessionStoreReader Store { get; } = store;

    /// <summary>Documents of <paramref name="collection"/> matching <paramref name="where"/> (all when null), in id order.</summary>
    public IEnumerable<BsonDocument> Documents(string collection, BsonExpression? where = null)
    {
        BsonValue last = BsonValue.MinValue;
        while (true)
        {
            BsonExpression after = LiteDB.Query.GT(StoredFields.Id, last);
            IReadOnlyList<BsonDocument> page = Store.Documents(collection, new Page(0, pageSize), Predicates.And(after, where));
            foreach (BsonDocument document in page) yield return document;
            if (page.Count < pageSize) yield break;
            last = page[^1][StoredFields.Id];
        }
    }

    /// <summary>Records of a collection the store maps (flows, http, anomalies), with their documents' capture.</summary>
    public IEnumerable<Stored<TRecord>> Records<TRecord>(string collection, BsonExpression? where = null) where TRecord : SnifferRecord
    {
        IRecordMapping mapping = Mappings.ForCollection(collection)
            ?? throw new ArgumentException($"no record mapping for collection '{collection}'", nameof(collection));
        foreach (BsonDocument document in Documents(collection, where))
            yield return new Stored<TRecord>(document[StoredFields.Id].AsInt64, document[StoredFields.Capture].AsInt32, (TRecord)mapping.Read(document));
    }

    /// <summary>The flow record of (capture, flow), or null (a flow still open when an ingest was killed has none).</summary>
    public FlowRecord? Flow(int capture, long flow)
    {
        BsonDocument? document = Store.Documents(StoreCollections.Flows, Page.First(1),
            LiteDB.Query.And(LiteDB.Query.EQ(StoredFields.Flow, flow), LiteDB.Query.EQ(StoredFields.Capture, capture))).FirstOrDefault();
        return document is null ? null : (FlowRecord)Mappings.ForCollection(StoreCollections.Flows)!.Read(document);
    }
}
