using System.Text.Json;
using LiteDB;
using Sniffer.Storage.Mapping;

namespace Sniffer.Storage.Reports;

/// <summary>
/// The mail lines of a report, from the stored documents: <c>smtp</c> (one per mail transaction, with its session's
/// HELO, user and STARTTLS and its message's headers), <c>imap</c> (one per session) and <c>mail</c> (one per
/// reconstructed message, with its SMTP→IMAP path when the mail analysis linked one).
/// </summary>
internal sealed class MailReportLines(SessionStoreReader store, Action<Utf8JsonWriter, string, BsonDocument> writeCommon)
{
    public IEnumerable<Action<Utf8JsonWriter>> Lines()
    {
        Dictionary<(int, long), BsonDocument> sessions = ByFlow(store.AllDocuments(StoreCollections.SmtpSessions));
        foreach (BsonDocument transaction in store.AllDocuments(StoreCollections.SmtpTransactions))
        {
            BsonDocument? message = transaction["message_sha256"].IsString ? Message(transaction["message_sha256"].AsString) : null;
            BsonDocument? session = sessions.GetValueOrDefault(FlowOf(transaction));
            yield return json => WriteSmtp(json, transaction, session, message);
        }

        var fetched = new Dictionary<(int, long), int>();
        foreach (BsonDocument transfer in store.AllDocuments(StoreCollections.ImapTransfers).Where(t => t["origin"] == "Fetch"))
            fetched[FlowOf(transfer)] = fetched.GetValueOrDefault(FlowOf(transfer)) + 1;
        foreach (BsonDocument session in store.AllDocuments(StoreCollections.ImapSessions))
            yield return json => WriteImap(json, session, fetched.GetValueOrDefault(FlowOf(session)));

        // A message belongs to a path as its submission (its SMTP flow and MD5) or as one of its downloads.
        var paths = new Dictionary<(string Source, int Capture, long Flow, string Md5), BsonDocument>();
        foreach (BsonDocument path in store.AllDocuments(StoreCollections.MailPaths))
        {
            (int capture, long flow) = FlowOf(path);
            paths.TryAdd(("smtp", capture, flow, path["md5"].AsString), path);
            foreach (BsonValue retrieval in path["retrievals"].AsArray)
                paths.TryAdd(("imap", capture, retrieval["flow_id"].AsInt64, retrieval["md5"].AsString), path);
        }
        foreach (BsonDocument message in store.AllDocuments(StoreCollections.Messages))
        {
            (int capture, long flow) = FlowOf(message);
            BsonDocument? path = paths.GetValueOrDefault((message["source"].AsString, capture, flow, message["md5"].AsString));
            yield return json => WriteMail(json, message, path);
        }
    }

    private void WriteSmtp(Utf8JsonWriter json, BsonDocument t, BsonDocument? session, BsonDocument? message)
    {
        writeCommon(json, "smtp", t);
        json.WriteString("helo", t.String("helo"));
        json.WriteString("auth_user", t.String("auth_user"));
        json.WriteString("mail_from", t.Key("mail_from"));
        List<BsonDocument> recipients = t["recipients"].AsArray.Select(r => r.AsDocument).ToList();
        WriteStrings(json, "rcpt_to", recipients.Where(r => r.Bool("accepted")).Select(r => r["address"].AsString));
        WriteStrings(json, "rcpt_rejected", recipients.Where(r => !r.Bool("accepted") && !r["reply_code"].IsNull).Select(r => r["address"].AsString));
        json.WriteBoolean("starttls", session?.Bool("starttls") ?? false);
        json.WriteString("last_reply", t["last_code"].IsNull ? null : $"{t["last_code"].AsInt32} {t.String("last_reply")}");
        json.WriteString("data_outcome", t.String("data_outcome"));
        json.WriteString("message_id", message?.Key("message_id"));
        WriteStrings(json, "from", Strings(message, "from"));
        WriteStrings(json, "to", Strings(message, "to"));
        json.WriteString("subject", message?.Key("subject"));
        if (message is null) json.WriteNull("size");
        else json.WriteNumber("size", message["size"].AsInt64);
        json.WriteString("sha256", message?.String("sha256"));
        json.WriteStartArray("attachments");
        foreach (BsonValue attachment in message?["attachments"] is { IsArray: true } list ? list.AsArray : [])
        {
            json.WriteStartObject();
            json.WriteString("filename", attachment.AsDocument.String("file_name"));
            if (attachment["size"].IsNull) json.WriteNull("size");
            else json.WriteNumber("size", attachment["size"].AsInt64);
            json.WriteString("sha256", attachment.AsDocument.String("sha256"));
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private void WriteImap(Utf8JsonWriter json, BsonDocument session, int fetched)
    {
        writeCommon(json, "imap", session);
        json.WriteString("user", session.String("user"));
        json.WriteBoolean("login_ok", session.Bool("authenticated"));
        json.WriteNumber("commands", session["commands"].AsInt32);
        WriteStrings(json, "mailboxes", session["folders"].AsArray.Select(f => f["name"].AsString));
        json.WriteNumber("fetched", fetched);
        json.WriteBoolean("encrypted", session.Bool("encrypted"));
    }

    private void WriteMail(Utf8JsonWriter json, BsonDocument message, BsonDocument? path)
    {
        writeCommon(json, "mail", message);
        json.WriteString("source", message["source"].AsString);
        json.WriteString("message_id", message.Key("message_id"));
        json.WriteString("subject", message.Key("subject"));
        json.WriteNumber("size", message["size"].AsInt64);
        json.WriteString("md5", message["md5"].AsString);
        json.WriteString("sha256", message["sha256"].AsString);
        json.WriteBoolean("complete", message.Bool("complete"));
        if (path is null)
        {
            json.WriteNull("path");
            return;
        }
        json.WriteStartObject("path");
        json.WriteNumber("smtp_flow", path[StoredFields.Flow].AsInt64);
        json.WriteNumber("smtp_ts", RecordReport.UnixSeconds(path[StoredFields.Time].AsInt64));
        json.WriteNumber("latency_ms", path["latency_ns"].AsInt64 / 1_000 / 1_000m);
        json.WriteBoolean("identical", path["retrievals"].AsArray.All(r => r.AsDocument.Bool("identical")));
        json.WriteStartArray("imap");
        foreach (BsonValue retrieval in path["retrievals"].AsArray)
        {
            json.WriteStartObject();
            json.WriteNumber("flow", retrieval["flow_id"].AsInt64);
            json.WriteNumber("ts", RecordReport.UnixSeconds(retrieval["time_ns"].AsInt64));
            json.WriteString("folder", retrieval.AsDocument.String("folder"));
            if (retrieval["uid"].IsNull) json.WriteNull("uid");
            else json.WriteNumber("uid", retrieval["uid"].AsInt64);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private BsonDocument? Message(string sha256) =>
        store.Documents(StoreCollections.Messages, Page.First(1), LiteDB.Query.EQ("sha256", sha256)).FirstOrDefault();

    private static IEnumerable<string> Strings(BsonDocument? document, string field) =>
        document?[field] is { IsArray: true } array ? array.AsArray.Select(v => v.AsString) : [];

    private static void WriteStrings(Utf8JsonWriter json, string property, IEnumerable<string> values)
    {
        json.WriteStartArray(property);
        foreach (string value in values) json.WriteStringValue(value);
        json.WriteEndArray();
    }

    private static (int Capture, long Flow) FlowOf(BsonDocument document) =>
        (document[StoredFields.Capture].AsInt32, document[StoredFields.Flow].AsInt64);

    private static Dictionary<(int, long), BsonDocument> ByFlow(IEnumerable<BsonDocument> documents)
    {
        var byFlow = new Dictionary<(int, long), BsonDocument>();
        foreach (BsonDocument document in documents) byFlow[FlowOf(document)] = document;
        return byFlow;
    }
}
