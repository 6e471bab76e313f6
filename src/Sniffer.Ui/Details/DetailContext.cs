using LiteDB;
using Sniffer.Storage;
using Sniffer.Storage.Mapping;

namespace Sniffer.Ui.Details;

/// <summary>What a details renderer may look up besides its own document: the flow it belongs to, stored bodies.</summary>
internal sealed class DetailContext(SessionStoreReader reader)
{
    /// <summary>The flows document of a record's connection, or null (capture-wide records, an interrupted ingest).</summary>
    public BsonDocument? FlowOf(BsonDocument record) => RecordsOfFlow(StoreCollections.Flows, record, 1).FirstOrDefault();

    /// <summary>Records of one collection on the same connection as <paramref name="record"/>, in time order.</summary>
    public IReadOnlyList<BsonDocument> RecordsOfFlow(string collection, BsonDocument record, int max)
    {
        if (!record[StoredFields.Flow].IsNumber || record[StoredFields.Flow].AsInt64 == 0) return [];
        BsonExpression sameFlow = LiteDB.Query.And(
            LiteDB.Query.EQ(StoredFields.Flow, record[StoredFields.Flow].AsInt64),
            LiteDB.Query.EQ(StoredFields.Capture, record[StoredFields.Capture]));
        return reader.Documents(collection, Page.First(max), sameFlow, "$." + StoredFields.Time);
    }

    /// <summary>The stored bytes under a SHA-256 (a body or a raw message), or null when none were kept.</summary>
    public byte[]? Content(string? sha256) => string.IsNullOrEmpty(sha256) ? null : reader.GetBody(sha256);

    public IReadOnlyList<BsonDocument> Find(string collection, BsonExpression where, int max) =>
        reader.Documents(collection, Page.First(max), where);
}
