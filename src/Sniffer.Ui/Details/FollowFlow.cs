using LiteDB;
using Sniffer.Reports.Store;
using Sniffer.Storage;

namespace Sniffer.Ui.Details;

/// <summary>
/// "Follow stream" for the selected record's connection. The store keeps what the dissectors rebuilt, not the raw
/// bytes, so the dialogue is rebuilt from it: every HTTP message in order (→ client to server, ← back), or the
/// SMTP/IMAP commands with their replies.
/// </summary>
internal static class FollowFlow
{
    private const int MaxRecords = 500;

    public static string Render(BsonDocument record, DetailContext context)
    {
        BsonDocument? flow = record.ContainsKey("client_port") ? record : context.FlowOf(record);
        var writer = new DetailWriter();
        long flowId = record.Number("flow") ?? 0;
        writer.Heading(flow is null
            ? $"Flow {flowId}"
            : $"Flow {flowId}: {Display.Safe(flow.Text("client"))} → {Display.Safe(flow.Text("server"))} ({Display.Safe(flow.Text("protocol") ?? "not dissected")})");
        writer.Own("(rebuilt from the store, which keeps the dissected messages rather than the raw bytes)");
        BsonDocument anchor = flow ?? record;
        int shown = 0;
        foreach (BsonDocument exchange in context.RecordsOfFlow(StoreCollections.Http, anchor, MaxRecords))
        {
            shown++;
            WriteMessage(writer, "→", exchange.Get("request"), d => $"{d.Text("method")} {d.Text("target")} {d.Text("version")}");
            WriteMessage(writer, "←", exchange.Get("response"), d => $"{d.Text("version")} {d.Number("status")} {d.Text("reason")}");
        }
        foreach (BsonDocument session in context.RecordsOfFlow(StoreCollections.SmtpSessions, anchor, MaxRecords))
        {
            shown++;
            writer.Captured($"← {session.Text("greeting")}");
            foreach (BsonDocument command in session.Documents("commands"))
            {
                writer.Captured($"→ {command.Text("verb")} {command.Text("argument")}");
                writer.Captured($"← {command.Number("reply_code")} {command.Text("reply")}   ({Display.Duration(command.Number("latency_ns"))})");
            }
        }
        foreach (BsonDocument command in context.RecordsOfFlow(StoreCollections.ImapCommands, anchor, MaxRecords))
        {
            shown++;
            writer.Captured($"→ {command.Text("tag")} {command.Text("command")} {command.Text("arguments")}");
            writer.Captured($"← {command.Text("tag")} {command.Text("status")} {command.Text("response_text")}   ({Display.Duration(command.Number("latency_ns"))})");
        }
        if (shown == 0) writer.Own("(no dissected messages on this flow)");
        return writer.ToString();
    }

    private static void WriteMessage(DetailWriter writer, string arrow, BsonValue message, Func<BsonDocument, string> startLine)
    {
        if (!message.IsDocument) return;
        BsonDocument document = message.AsDocument;
        writer.Captured($"{arrow} {startLine(document)}");
        foreach (BsonValue pair in document.Items("headers")) writer.Captured($"{arrow} {pair.AsArray[0].AsString}: {pair.AsArray[1].AsString}");
        if (document.Get("body").IsDocument) writer.Own($"{arrow} [body: {Display.Size(document.Number("body.decoded_len"))} decoded]");
        writer.Own(arrow);
    }
}
