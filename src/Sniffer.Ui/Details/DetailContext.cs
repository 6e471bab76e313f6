using LiteDB;
using Sniffer.Capture.Files;
using Sniffer.Engine;
using Sniffer.Reports.Store;
using Sniffer.Storage;
using Sniffer.Storage.Mapping;

namespace Sniffer.Ui.Details;

/// <summary>What a details renderer may look up besides its own document: the flow it belongs to, stored bodies.</summary>
internal sealed class DetailContext(SessionStoreReader reader)
{
    // The pane is drawn again for the same row (live refresh, switching back): the last re-read is kept.
    private (int Capture, long Flow, RawStream Stream)? _lastStream;

    /// <summary>The flows document of a record's connection, or null (capture-wide records, an interrupted ingest).</summary>
    public BsonDocument? FlowOf(BsonDocument record) => RecordsOfFlow(StoreCollections.Flows, record, 1).FirstOrDefault();

    /// <summary>Records of one collection on the same connection as <paramref name="record"/>, in time order.</summary>
    public IReadOnlyList<BsonDocument> RecordsOfFlow(string collection, BsonDocument record, int max)
    {
        if (!record[StoredFields.Flow].IsNumber || record[StoredFields.Flow].AsInt64 == 0) return [];
        BsonExpression sameFlow = LiteDB.Query.And(
            LiteDB.Query.EQ(StoredFields.Flow, record[StoredFields.Flow].AsInt64),
            LiteDB.Query.EQ(StoredFields.Capture, record[StoredFields.Capture]));
        return reader.Matching(collection, sameFlow, max, "$." + StoredFields.Time);
    }

    /// <summary>The stored bytes under a SHA-256 (a body or a raw message), or null when none were kept.</summary>
    public byte[]? Content(string? sha256) => string.IsNullOrEmpty(sha256) ? null : reader.GetBody(sha256);

    /// <summary>Documents of a time window in time order (newest first if asked), at most <paramref name="max"/>; see <see cref="SessionStoreReader.During"/>.</summary>
    public IReadOnlyList<BsonDocument> During(string collection, long fromNs, long untilNs, int max, bool newestFirst) =>
        reader.During(collection, fromNs, untilNs, max, newestFirst);

    public IReadOnlyList<BsonDocument> Find(string collection, BsonExpression where, int max) => reader.Matching(collection, where, max);

    /// <summary>
    /// The raw bytes of a flow (its flows document), re-read from the capture file the store names as the
    /// capture's source; or why they cannot be (<see cref="RawStream.Unavailable"/>).
    /// </summary>
    public RawStream StreamOf(BsonDocument flow)
    {
        int capture = flow[StoredFields.Capture].AsInt32;
        long flowId = flow.Number(StoredFields.Flow) ?? 0;
        if (_lastStream is { } last && last.Capture == capture && last.Flow == flowId) return last.Stream;
        RawStream stream = ReadStream(flow, capture);
        _lastStream = (capture, flowId, stream);
        return stream;
    }

    private RawStream ReadStream(BsonDocument flow, int capture)
    {
        if (reader.Captures().FirstOrDefault(c => c.Id == capture) is not { } stored)
            return RawStream.Unavailable($"capture {capture} is not in the database");
        string path = stored.Source.Source;
        if (!File.Exists(path))
        {
            return RawStream.Unavailable(stored.Source.Interface is { } device && path.StartsWith("live:", StringComparison.Ordinal)
                ? $"the capture was live on {Display.Safe(device)} without -w, so its packets were not saved"
                : $"the capture file {Display.Safe(path)} is gone (moved or deleted)");
        }
        var selector = new FlowSelector(flow.Text("client") ?? "", flow.Text("server") ?? "", (ushort)(flow.Number("vlan") ?? 0),
            flow.Number("first_ns") ?? 0, flow.Number("last_ns") ?? 0);
        try
        {
            FlowStreams streams = FlowStreamExtraction.Extract(path, selector);
            return streams.Found
                ? RawStream.Read(path, streams)
                : RawStream.Unavailable($"no packet of this flow is in {Display.Safe(path)}: the file changed since it was analysed");
        }
        catch (CaptureFileException error)
        {
            return RawStream.Unavailable($"the capture file could not be read: {Display.Safe(error.Message)}");
        }
        catch (FormatException)
        {
            return RawStream.Unavailable("the flow's endpoints are not stored as address:port");
        }
    }
}

/// <summary>A flow's raw bytes re-read from its capture file, or the one-line reason they are not available.</summary>
internal sealed record RawStream(string? Path, FlowStreams? Streams, string? Reason)
{
    public static RawStream Read(string path, FlowStreams streams) => new(path, streams, null);

    public static RawStream Unavailable(string reason) => new(null, null, reason);
}
