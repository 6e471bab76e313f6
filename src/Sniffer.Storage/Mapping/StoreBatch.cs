using LiteDB;

namespace Sniffer.Storage.Mapping;

/// <summary>
/// The documents of one write batch, grouped by collection so each collection gets one InsertBulk of a
/// materialised list. Ids are assigned here, not by LiteDB, so a record can point at another of the same
/// batch (a cookie at its exchange) and ids follow emission order.
/// </summary>
public sealed class StoreBatch
{
    private readonly Func<string, long> _lastStoredId;
    private readonly Dictionary<string, long> _lastId = new(StringComparer.OrdinalIgnoreCase);

    internal StoreBatch(Func<string, long> lastStoredId) => _lastStoredId = lastStoredId;

    internal Dictionary<string, List<BsonDocument>> Documents { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Body content by SHA-256, kept once per batch.</summary>
    internal Dictionary<string, byte[]> Bodies { get; } = new(StringComparer.Ordinal);

    /// <summary>Documents in the batch, all collections together: what <see cref="SessionStoreWriterOptions.BatchSize"/> bounds.</summary>
    internal int Count { get; private set; }

    /// <summary>Records the batch holds; one record may be several documents (an exchange and its cookies).</summary>
    internal int Records { get; set; }

    /// <summary>Body and message bytes of the batch's records (<see cref="SessionStoreWriter.Weight"/>), released when it commits.</summary>
    internal long Weight { get; set; }

    public long NextId(string collection)
    {
        long last = _lastId.TryGetValue(collection, out long known) ? known : _lastStoredId(collection);
        _lastId[collection] = ++last;
        return last;
    }

    public void Add(string collection, BsonDocument document)
    {
        if (!Documents.TryGetValue(collection, out List<BsonDocument>? list)) Documents[collection] = list = [];
        list.Add(document);
        Count++;
    }

    /// <summary>Stores content once per hash, whatever the number of exchanges that carried it.</summary>
    public void AddBody(string sha256, byte[] content)
    {
        if (content.Length > 0) Bodies.TryAdd(sha256, content);
    }

    internal void Clear()
    {
        foreach (List<BsonDocument> list in Documents.Values) list.Clear();
        Bodies.Clear();
        Count = 0;
        Records = 0;
        Weight = 0;
    }
}
