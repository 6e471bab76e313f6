using System.Text.Json;
using System.Text.Json.Serialization;
using LiteDB;
using Sniffer.Core.Records;

namespace Sniffer.Storage.Mapping;

/// <summary>
/// How one record type is stored: its collection, its indexes, and the document it becomes. Mappings are
/// written by hand rather than left to BsonMapper so field names are short, stable and documented
/// (SCHEMA.md), and so a record can spread over several collections (an HTTP exchange's cookies) and
/// hand its bodies to file storage. A new protocol is one more mapping in <see cref="RecordMappings"/>.
/// </summary>
public interface IRecordMapping
{
    Type RecordType { get; }

    string Collection { get; }

    /// <summary>Called once per writer open; LiteDB makes it a no-op for indexes that exist.</summary>
    void EnsureIndexes(LiteDatabase database);

    /// <summary>
    /// Adds the record to the batch. <paramref name="document"/> already holds the fields every record has
    /// (<see cref="StoredFields"/>); the mapping adds its own and may add documents to other collections.
    /// </summary>
    void Write(SnifferRecord record, BsonDocument document, StoreBatch batch);

    /// <summary>The record back from its document. Body content stays in file storage (see <see cref="SessionStoreReader.GetBody"/>).</summary>
    SnifferRecord Read(BsonDocument document);
}

/// <summary>Field names shared by every stored record, so queries and reports need not know the type.</summary>
public static class StoredFields
{
    public const string Id = "_id";
    public const string Capture = "capture";
    public const string Flow = "flow";

    /// <summary>Unix nanoseconds as Int64: LiteDB would cut a DateTime to milliseconds.</summary>
    public const string Time = "ts";
}

/// <summary>Base of the built-in mappings: the typed cast and the indexes every record collection has.</summary>
public abstract class RecordMapping<TRecord> : IRecordMapping where TRecord : SnifferRecord
{
    public Type RecordType => typeof(TRecord);

    public abstract string Collection { get; }

    public virtual void EnsureIndexes(LiteDatabase database)
    {
        var collection = database.GetCollection(Collection);
        collection.EnsureIndex(StoredFields.Time, "$." + StoredFields.Time);
        collection.EnsureIndex(StoredFields.Flow, "$." + StoredFields.Flow);
    }

    public void Write(SnifferRecord record, BsonDocument document, StoreBatch batch) => Write((TRecord)record, document, batch);

    public SnifferRecord Read(BsonDocument document) => ReadRecord(document);

    protected abstract void Write(TRecord record, BsonDocument document, StoreBatch batch);

    protected abstract TRecord ReadRecord(BsonDocument document);
}

/// <summary>
/// Records of a type nobody mapped by hand (a plug-in's, the analyses' results) go whole into the collection their
/// <see cref="StoreCollectionAttribute"/> names, or one named after the type, so nothing a dissector emits is lost;
/// their public properties become snake_case fields, and they read back as documents. They pass through
/// System.Text.Json rather than LiteDB's mapper, whose generated accessors fail on some record shapes with an
/// InvalidProgramException — which, thrown on the writer thread, would have stopped the whole store.
/// </summary>
internal sealed class GenericRecordMapping(Type type) : IRecordMapping
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    private static readonly string[] SharedFields =
        [JsonNamingPolicy.SnakeCaseLower.ConvertName(nameof(SnifferRecord.FlowId)), JsonNamingPolicy.SnakeCaseLower.ConvertName(nameof(SnifferRecord.TimeNs))];

    private readonly string? _kind = type.GetCustomAttributes(typeof(StoreCollectionAttribute), inherit: false)
        .Cast<StoreCollectionAttribute>().FirstOrDefault()?.Kind;

    public Type RecordType => type;

    public string Collection { get; } = CollectionNameFor(type);

    public void EnsureIndexes(LiteDatabase database)
    {
        var collection = database.GetCollection(Collection);
        collection.EnsureIndex(StoredFields.Time, "$." + StoredFields.Time);
        collection.EnsureIndex(StoredFields.Flow, "$." + StoredFields.Flow);
    }

    public void Write(SnifferRecord record, BsonDocument document, StoreBatch batch)
    {
        try
        {
            BsonDocument fields = LiteDB.JsonSerializer.Deserialize(System.Text.Json.JsonSerializer.Serialize(record, type, Json)).AsDocument;
            foreach (var (name, value) in fields)
            {
                // The shared fields are already set under their stored names.
                if (!SharedFields.Contains(name)) document[name] = value;
            }
        }
        catch (Exception error) when (error is NotSupportedException or JsonException or InvalidOperationException)
        {
            // A type JSON cannot express still leaves a trace where its records would be, rather than failing the batch.
            document["unstorable"] = error.Message;
        }
        if (_kind is not null) document["kind"] = _kind;
        batch.Add(Collection, document);
    }

    public SnifferRecord Read(BsonDocument document) =>
        throw new NotSupportedException($"{type.FullName} is stored generically; read its documents from '{Collection}'");

    /// <summary>
    /// The attribute's name, else "Acme.Dns.DnsQuery" → "Acme_Dns_DnsQuery": the full name, so two plug-ins'
    /// "Query" types do not share a collection.
    /// </summary>
    internal static string CollectionNameFor(Type type) =>
        type.GetCustomAttributes(typeof(StoreCollectionAttribute), inherit: false).Cast<StoreCollectionAttribute>().FirstOrDefault()?.Name
        ?? new string((type.FullName ?? type.Name).Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
}

/// <summary>
/// Base of mappings whose records are read back as documents only (mail sessions, messages): their records are
/// built incrementally by the dissectors and have no public constructor worth mirroring for the store.
/// </summary>
public abstract class DocumentRecordMapping<TRecord> : RecordMapping<TRecord> where TRecord : SnifferRecord
{
    protected override TRecord ReadRecord(BsonDocument document) =>
        throw new NotSupportedException($"{typeof(TRecord).Name} records read back as documents of '{Collection}'");
}
