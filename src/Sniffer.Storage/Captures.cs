using LiteDB;

namespace Sniffer.Storage;

/// <summary>Where a capture's packets came from: a file, or an interface with its BPF filter.</summary>
public sealed record CaptureSource(string Source)
{
    public string? Interface { get; init; }

    public string? Filter { get; init; }
}

/// <summary>What the analysis of one capture saw, written when it ends: time span and the pipeline's counters by name.</summary>
public sealed record CaptureTotals(long? FirstPacketNs, long? LastPacketNs, IReadOnlyDictionary<string, long> Counters);

/// <summary>
/// One capture of a database. <see cref="Complete"/> is false while it is being ingested, and stays false when
/// the ingest was killed: its records up to the last committed batch are there, its totals are not.
/// </summary>
public sealed record StoredCapture(int Id, CaptureSource Source, CaptureTotals? Totals)
{
    public bool Complete => Totals is not null;

    internal static BsonDocument Begin(int id, CaptureSource source)
    {
        var document = new BsonDocument { ["_id"] = id, ["source"] = source.Source };
        if (source.Interface is not null) document["interface"] = source.Interface;
        if (source.Filter is not null) document["filter"] = source.Filter;
        return document;
    }

    internal static void End(BsonDocument document, CaptureTotals totals)
    {
        if (totals.FirstPacketNs is { } first) document["first_ns"] = first;
        if (totals.LastPacketNs is { } last) document["last_ns"] = last;
        var counters = new BsonDocument();
        foreach (var (name, value) in totals.Counters) counters[name] = value;
        document["counters"] = counters;
    }

    internal static StoredCapture Read(BsonDocument d)
    {
        var source = new CaptureSource(d["source"].AsString)
        {
            Interface = d["interface"].IsNull ? null : d["interface"].AsString,
            Filter = d["filter"].IsNull ? null : d["filter"].AsString,
        };
        CaptureTotals? totals = d["counters"].IsDocument
            ? new CaptureTotals(
                d["first_ns"].IsNull ? null : d["first_ns"].AsInt64,
                d["last_ns"].IsNull ? null : d["last_ns"].AsInt64,
                d["counters"].AsDocument.ToDictionary(p => p.Key, p => p.Value.AsInt64))
            : null;
        return new StoredCapture(d["_id"].AsInt32, source, totals);
    }
}
