using LiteDB;
using Sniffer.Core.Records;

namespace Sniffer.Storage.Mapping;

/// <summary>Anomalies (weird.log), indexed by kind for "what went wrong, how often".</summary>
internal sealed class AnomalyMapping : RecordMapping<Anomaly>
{

    public override string Collection => StoreCollections.Anomalies;

    public override void EnsureIndexes(LiteDatabase database)
    {
        base.EnsureIndexes(database);
        database.GetCollection(Collection).EnsureIndex("kind", "$.kind");
    }

    protected override void Write(Anomaly anomaly, BsonDocument d, StoreBatch batch)
    {
        d.SetKey("kind", anomaly.Kind);
        d["source"] = anomaly.Source;
        d.Set("detail", anomaly.Detail.Length > 0 ? anomaly.Detail : null);
        batch.Add(Collection, d);
    }

    protected override Anomaly ReadRecord(BsonDocument d) => new()
    {
        FlowId = d.Long(StoredFields.Flow),
        TimeNs = d.Long(StoredFields.Time),
        Kind = d.Key("kind")!,
        Source = d["source"].AsString,
        Detail = d.String("detail") ?? "",
    };
}
