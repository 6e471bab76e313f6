using System.Text.Json;
using LiteDB;
using Sniffer.Core.Records;
using Sniffer.Storage.Mapping;

namespace Sniffer.Storage.Reports;

/// <summary>
/// The last line of a report: the analyses over the whole database — protocol mix, top talkers, HTTP timing per host
/// and overall, conditional-GET and persistent-connection savings, cookies, mail, anomalies by kind. The analyses'
/// own documents are written as stored (their fields are documented with their record types in SCHEMA.md).
/// </summary>
internal static class SummaryReportLine
{
    private const int TopTalkers = 10;

    public static void Write(Utf8JsonWriter json, SessionStoreReader store, IEnumerable<FlowRecord> flows)
    {
        json.WriteString("type", "summary");
        json.WriteNumber("captures", store.Captures().Count);
        List<FlowRecord> all = flows.ToList();
        json.WriteNumber("flows", all.Count);

        json.WriteStartObject("protocols");
        foreach (var protocol in all.GroupBy(f => f.Protocol ?? "unknown").OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            json.WriteStartObject(protocol.Key);
            json.WriteNumber("flows", protocol.Count());
            json.WriteNumber("bytes", protocol.Sum(f => f.ClientPayloadBytes + f.ServerPayloadBytes));
            json.WriteEndObject();
        }
        json.WriteEndObject();

        // Top talkers by payload bytes, per client address (Wireshark's Statistics → Endpoints).
        json.WriteStartArray("top_talkers");
        foreach (var talker in all.GroupBy(f => f.ClientAddress)
                     .Select(g => (Address: g.Key, Bytes: g.Sum(f => f.ClientPayloadBytes + f.ServerPayloadBytes), Flows: g.Count()))
                     .OrderByDescending(t => t.Bytes).ThenBy(t => t.Address, StringComparer.Ordinal).Take(TopTalkers))
        {
            json.WriteStartObject();
            json.WriteString("address", talker.Address);
            json.WriteNumber("bytes", talker.Bytes);
            json.WriteNumber("flows", talker.Flows);
            json.WriteEndObject();
        }
        json.WriteEndArray();

        json.WriteNumber("http_transactions", store.Count(StoreCollections.Http));
        List<BsonDocument> summaries = store.AllDocuments(StoreCollections.Summaries).ToList();
        List<BsonDocument> timings = summaries.Where(s => s["kind"] == "timing").ToList();
        WriteDocument(json, "timing", timings.FirstOrDefault(t => t["host"].IsNull));
        json.WriteStartArray("host_timing");
        foreach (BsonDocument host in timings.Where(t => !t["host"].IsNull)) WriteDocument(json, null, host);
        json.WriteEndArray();
        WriteDocument(json, "conditional_get", summaries.FirstOrDefault(s => s["kind"] == "conditional_get"));

        json.WriteStartObject("cookies");
        json.WriteNumber("jar_entries", store.Count(StoreCollections.CookieJars));
        json.WriteNumber("third_party", store.Count(StoreCollections.CookieJars, LiteDB.Query.GT("third_party_sends", 0)));
        json.WriteNumber("tracking_ids", store.Count(StoreCollections.TrackingIds));
        json.WriteNumber("unseen", store.Count(StoreCollections.UnseenCookies));
        json.WriteEndObject();

        WriteDocument(json, "mail", summaries.FirstOrDefault(s => s["kind"] == "mail"));

        json.WriteStartObject("anomalies");
        foreach (var kind in store.AllDocuments(StoreCollections.Anomalies).GroupBy(a => a.Key("kind")!).OrderBy(g => g.Key, StringComparer.Ordinal))
            json.WriteNumber(kind.Key, kind.Count());
        json.WriteEndObject();
    }

    /// <summary>A stored analysis document without the store's bookkeeping fields; null when the analysis did not run.</summary>
    private static void WriteDocument(Utf8JsonWriter json, string? property, BsonDocument? document)
    {
        if (property is not null) json.WritePropertyName(property);
        if (document is null)
        {
            json.WriteNullValue();
            return;
        }
        var fields = new BsonDocument();
        foreach (var (name, value) in document)
        {
            if (name is not StoredFields.Id and not StoredFields.Capture and not StoredFields.Flow and not StoredFields.Time and not "kind") fields[name] = value;
        }
        WriteValue(json, fields);
    }

    /// <summary>Plain JSON (LiteDB's own serializer would write Int64 as {"$numberLong": …}).</summary>
    private static void WriteValue(Utf8JsonWriter json, BsonValue value)
    {
        switch (value.Type)
        {
            case BsonType.Document:
                json.WriteStartObject();
                foreach (var (name, field) in value.AsDocument)
                {
                    json.WritePropertyName(name);
                    WriteValue(json, field);
                }
                json.WriteEndObject();
                break;
            case BsonType.Array:
                json.WriteStartArray();
                foreach (BsonValue item in value.AsArray) WriteValue(json, item);
                json.WriteEndArray();
                break;
            case BsonType.Int32:
                json.WriteNumberValue(value.AsInt32);
                break;
            case BsonType.Int64:
                json.WriteNumberValue(value.AsInt64);
                break;
            case BsonType.Double:
                json.WriteNumberValue(value.AsDouble);
                break;
            case BsonType.Decimal:
                json.WriteNumberValue(value.AsDecimal);
                break;
            case BsonType.Boolean:
                json.WriteBooleanValue(value.AsBoolean);
                break;
            case BsonType.String:
                json.WriteStringValue(value.AsString);
                break;
            default:
                json.WriteNullValue();
                break;
        }
    }
}
