using System.Text.Json;
using LiteDB;
using Sniffer.Core.Dissection;
using Sniffer.Core.Records;
using Sniffer.Dissectors.Http.Records;
using Sniffer.Storage.Mapping;

namespace Sniffer.Storage.Reports;

public enum ReportFormat
{
    /// <summary>One JSON object per line (Zeek's JSON logs, Suricata's eve.json).</summary>
    Ndjson,

    /// <summary>The same objects in one document: <c>{"records": [...]}</c>.</summary>
    Json,
}

/// <summary>
/// Flows, HTTP exchanges and anomalies as flat JSON objects, in capture-time order; from a database, then the mail
/// lines (<c>smtp</c>, <c>imap</c>, <c>mail</c>, each in time order) and a last <c>summary</c> line with the
/// analyses. The field set is documented in SCHEMA.md; flow-bound records carry the endpoints of their flow,
/// client → server, as Suricata's eve.json does, so a line can be read without joining.
/// </summary>
public sealed class RecordReport
{
    private readonly IReadOnlyDictionary<(int Capture, long Flow), FlowRecord> _flows;
    private readonly IEnumerable<Stored<SnifferRecord>> _records;
    private readonly SessionStoreReader _store;

    /// <summary>Bytes each 304 saved, by (capture, flow, exchange index), from the conditional-GET analysis.</summary>
    private readonly IReadOnlyDictionary<(int, long, int), long?> _savedBytes;

    private RecordReport(IReadOnlyDictionary<(int, long), FlowRecord> flows, IEnumerable<Stored<SnifferRecord>> records,
        SessionStoreReader store, IReadOnlyDictionary<(int, long, int), long?> savedBytes)
    {
        _flows = flows;
        _records = records;
        _store = store;
        _savedBytes = savedBytes;
    }

    /// <summary>
    /// A database's flows, HTTP exchanges and anomalies, streamed in time order (on equal times flows, then exchanges,
    /// then anomalies: <see cref="MergeByTime"/> takes the first source of the earliest), then its mail lines and the summary.
    /// </summary>
    public static RecordReport FromStore(SessionStoreReader store)
    {
        var savedBytes = new Dictionary<(int, long, int), long?>();
        foreach (var saving in store.AllDocuments(StoreCollections.ConditionalGets))
            savedBytes[(saving[StoredFields.Capture].AsInt32, saving[StoredFields.Flow].AsInt64, saving["index"].AsInt32)] =
                saving["bytes_saved"].IsNull ? null : saving["bytes_saved"].AsInt64;
        return new(FlowIndex(store.All(StoreCollections.Flows)),
            MergeByTime([store.All(StoreCollections.Flows), store.All(StoreCollections.Http), store.All(StoreCollections.Anomalies)]),
            store, savedBytes);
    }

    public void Write(Stream output, ReportFormat format)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false });
        if (format == ReportFormat.Json)
        {
            json.WriteStartObject();
            json.WriteStartArray("records");
        }
        foreach (Stored<SnifferRecord> stored in _records) EndLine(WriteRecord(json, stored));
        var mail = new MailReportLines(_store, EndpointsOf);
        foreach (Action<Utf8JsonWriter> line in mail.Lines()) EndLine(WriteLine(json, line));
        EndLine(WriteLine(json, writer => SummaryReportLine.Write(writer, _store, _flows.Values)));
        void EndLine(Utf8JsonWriter written)
        {
            if (format != ReportFormat.Ndjson) return;
            written.Flush();
            output.WriteByte((byte)'\n');
            written.Reset();
        }

        if (format == ReportFormat.Json)
        {
            json.WriteEndArray();
            json.WriteEndObject();
            json.Flush();
            output.WriteByte((byte)'\n');
        }
    }

    private static Dictionary<(int, long), FlowRecord> FlowIndex(IEnumerable<Stored<SnifferRecord>> records)
    {
        var flows = new Dictionary<(int, long), FlowRecord>();
        foreach (Stored<SnifferRecord> stored in records)
        {
            if (stored.Record is FlowRecord flow) flows[(stored.Capture, flow.FlowId)] = flow;
        }
        return flows;
    }

    private static IEnumerable<Stored<SnifferRecord>> MergeByTime(IReadOnlyList<IEnumerable<Stored<SnifferRecord>>> sources)
    {
        var cursors = sources.Select(s => s.GetEnumerator()).Where(e => e.MoveNext()).ToList();
        try
        {
            while (cursors.Count > 0)
            {
                IEnumerator<Stored<SnifferRecord>> next = cursors.MinBy(c => c.Current.Record.TimeNs)!;
                yield return next.Current;
                if (!next.MoveNext())
                {
                    next.Dispose();
                    cursors.Remove(next);
                }
            }
        }
        finally
        {
            foreach (var cursor in cursors) cursor.Dispose();
        }
    }

    private static Utf8JsonWriter WriteLine(Utf8JsonWriter json, Action<Utf8JsonWriter> write)
    {
        json.WriteStartObject();
        write(json);
        json.WriteEndObject();
        return json;
    }

    private Utf8JsonWriter WriteRecord(Utf8JsonWriter json, Stored<SnifferRecord> stored)
    {
        SnifferRecord record = stored.Record;
        json.WriteStartObject();
        WriteCommon(json, record switch { FlowRecord => "flow", HttpTransaction => "http", _ => "anomaly" },
            record.TimeNs, stored.Capture, record.FlowId, record as FlowRecord);
        switch (record)
        {
            case FlowRecord flow:
                WriteFlow(json, flow);
                break;
            case HttpTransaction http:
                WriteHttp(json, http, _savedBytes.GetValueOrDefault((stored.Capture, http.FlowId, http.Index)));
                break;
            case Anomaly anomaly:
                json.WriteString("kind", anomaly.Kind);
                json.WriteString("detail", anomaly.Detail);
                break;
        }
        json.WriteEndObject();
        return json;
    }

    /// <summary>The fields every line starts with: <c>type</c>, <c>ts</c>, <c>capture</c> and, for flow-bound records, the flow's endpoints.</summary>
    internal void WriteCommon(Utf8JsonWriter json, string type, long timeNs, int capture, long flowId, FlowRecord? flow = null)
    {
        json.WriteString("type", type);
        json.WriteNumber("ts", UnixSeconds(timeNs));
        json.WriteNumber("capture", capture);
        if (flowId == 0) return;
        json.WriteNumber("flow", flowId);
        flow ??= _flows.GetValueOrDefault((capture, flowId));
        if (flow is null) return;
        json.WriteString("src_ip", flow.ClientAddress);
        json.WriteNumber("src_port", flow.ClientPort);
        json.WriteString("dest_ip", flow.ServerAddress);
        json.WriteNumber("dest_port", flow.ServerPort);
    }

    private void EndpointsOf(Utf8JsonWriter json, string type, BsonDocument document) =>
        WriteCommon(json, type, document[StoredFields.Time].AsInt64, document[StoredFields.Capture].AsInt32, document[StoredFields.Flow].AsInt64);

    private static void WriteFlow(Utf8JsonWriter json, FlowRecord flow)
    {
        json.WriteString("protocol", flow.Protocol);
        WriteMilliseconds(json, "handshake_rtt_ms", flow.HandshakeRttNs);
        json.WriteNumber("bytes_to_server", flow.ClientPayloadBytes);
        json.WriteNumber("bytes_to_client", flow.ServerPayloadBytes);
        json.WriteNumber("packets", flow.ClientPackets + flow.ServerPackets);
        json.WriteNumber("gap_bytes", flow.ClientGapBytes + flow.ServerGapBytes);
        json.WriteString("close_reason", CloseReason(flow.CloseReason));
    }

    private static void WriteHttp(Utf8JsonWriter json, HttpTransaction http, long? savedBytes)
    {
        json.WriteString("method", http.Request?.Method);
        json.WriteString("host", http.Host);
        json.WriteString("uri", http.Request?.Target);
        json.WriteString("version", http.Request?.Version ?? http.Response?.Version);
        if (http.Response is { } response) json.WriteNumber("status", response.StatusCode);
        else json.WriteNull("status");
        json.WriteNumber("request_body_len", http.Request?.Body?.DecodedLength ?? 0);
        json.WriteNumber("response_body_len", http.Response?.Body?.DecodedLength ?? 0);
        json.WriteString("response_body_sha256", http.Response?.Body?.Sha256);
        WriteNames(json, "cookies_sent", http.Cookies.Select(c => c.Name));
        WriteNames(json, "cookies_set", http.SetCookies.Select(c => c.Name));
        json.WriteBoolean("conditional", http.Caching.Revalidation != HttpRevalidation.Unconditional);
        json.WriteBoolean("not_modified", http.Response?.StatusCode == 304);
        // From the conditional-GET analysis: what a 304 spared; null says "not a 304, or not known", not "zero".
        if (savedBytes is { } saved) json.WriteNumber("saved_bytes", saved);
        else json.WriteNull("saved_bytes");
        WriteMilliseconds(json, "ttfb_ms", http.Timings.WaitNs);
        WriteMilliseconds(json, "transfer_ms", http.Timings.ReceiveNs);
    }

    private static void WriteNames(Utf8JsonWriter json, string property, IEnumerable<string> names)
    {
        json.WriteStartArray(property);
        foreach (string name in names) json.WriteStringValue(name);
        json.WriteEndArray();
    }

    private static void WriteMilliseconds(Utf8JsonWriter json, string property, long? nanoseconds)
    {
        if (nanoseconds is { } ns) json.WriteNumber(property, ns / 1_000 / 1_000m);
        else json.WriteNull(property);
    }

    /// <summary>Epoch seconds to the microsecond, exact: decimal keeps the six digits a double would round.</summary>
    internal static decimal UnixSeconds(long nanoseconds) => Math.Floor(nanoseconds / 1_000m) / 1_000_000m;

    private static string CloseReason(StreamEndReason reason) => reason switch
    {
        StreamEndReason.Fin => "fin",
        StreamEndReason.Reset => "reset",
        StreamEndReason.IdleTimeout => "idle_timeout",
        StreamEndReason.EndOfCapture => "end_of_capture",
        StreamEndReason.Evicted => "evicted",
        _ => reason.ToString(),
    };
}
