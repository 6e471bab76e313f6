using LiteDB;
using Sniffer.Reports.Store;
using Sniffer.Storage;

namespace Sniffer.Ui.Details;

/// <summary>A mail transaction or message: the envelope beside the headers, the MIME tree, attachments, the raw head.</summary>
internal static class MailDetails
{
    private const int RawHeadBytes = 8 * 1024;

    public static string Transaction(BsonDocument transaction, DetailContext context)
    {
        var writer = new DetailWriter().Heading("SMTP envelope");
        writer.Field("MAIL FROM", transaction.Text("mail_from"));
        foreach (BsonDocument recipient in transaction.Documents("recipients"))
            writer.Captured($"RCPT TO: {recipient.Text("address")}  → {recipient.Number("reply_code")} {(recipient.Flag("accepted") ? "accepted" : "refused")}");
        writer.Field("DATA", $"{transaction.Text("data_outcome")} {transaction.Number("data_code")}".Trim());
        BsonDocument? message = transaction.Text("message_sha256") is { } sha
            ? context.Find(StoreCollections.Messages, LiteDB.Query.EQ("sha256", sha), 1).FirstOrDefault()
            : null;
        if (message is null) return writer.ToString();
        WriteEnvelopeDifferences(writer, transaction, message);
        return writer + Message(message, context);
    }

    /// <summary>Recipients of the envelope that no header names are Bcc (or a forgery); a different sender may be spoofing.</summary>
    private static void WriteEnvelopeDifferences(DetailWriter writer, BsonDocument transaction, BsonDocument message)
    {
        string headerAddresses = string.Join(" ", message.Items("to").Concat(message.Items("cc")).Select(v => v.AsString)).ToLowerInvariant();
        foreach (BsonDocument recipient in transaction.Documents("recipients"))
        {
            if (recipient.Text("address") is { } address && !headerAddresses.Contains(address.ToLowerInvariant()))
                writer.Captured($"! {address} is in the envelope but not in To/Cc (Bcc)");
        }
        string from = string.Join(" ", message.Items("from").Select(v => v.AsString)).ToLowerInvariant();
        if (transaction.Text("mail_from") is { Length: > 0 } sender && !from.Contains(sender.ToLowerInvariant()))
            writer.Captured($"! envelope sender {sender} differs from the From header");
    }

    public static string Message(BsonDocument message, DetailContext context)
    {
        var writer = new DetailWriter().Heading($"Message ({Display.Safe(message.Text("source"))}, {Display.Size(message.Number("size"))})");
        writer.Field("Subject", message.Text("subject"));
        writer.Field("From", message.TextList("from"));
        writer.Field("To", message.TextList("to"));
        writer.Field("Cc", message.TextList("cc"));
        writer.Field("Date", message.Text("date"));
        writer.Field("Message-ID", message.Text("message_id"));
        writer.Field("User-Agent", message.Text("user_agent"));
        writer.Field("SHA-256", message.Text("sha256"));
        if (message.Flag("truncated") || (message["complete"].IsBoolean && !message["complete"].AsBoolean))
            writer.Own($"(incomplete: {Display.Size(message.Number("missing_bytes"))} missing{(message.Flag("truncated") ? ", cut at the store's cap" : "")})");
        if (message.Get("mime").IsDocument)
        {
            writer.Heading("MIME tree");
            WriteMime(writer, message.Get("mime").AsDocument, "");
        }
        List<BsonDocument> attachments = message.Documents("attachments").ToList();
        if (attachments.Count > 0)
        {
            writer.Heading("Attachments");
            foreach (BsonDocument attachment in attachments)
                writer.Captured($"{attachment.Text("file_name")}  {attachment.Text("content_type")}  {Display.Size(attachment.Number("size"))}  sha256 {attachment.Text("sha256")}");
        }
        if (context.Content(message.Text("sha256")) is { Length: > 0 } raw)
        {
            writer.Heading("Raw message (start)");
            writer.CapturedLines(BodyText.Render(raw.Length > RawHeadBytes ? raw[..RawHeadBytes] : raw, "text/plain"));
        }
        return writer.ToString();
    }

    private static void WriteMime(DetailWriter writer, BsonDocument part, string indent)
    {
        string name = part.Text("file_name") is { } file ? $" \"{file}\"" : "";
        writer.Captured($"{indent}{part.Text("content_type")}{name}  {Display.Size(part.Number("size"))}{(part.Flag("attachment") ? "  attachment" : "")}");
        foreach (BsonDocument child in part.Documents("children")) WriteMime(writer, child, indent + "  ");
    }
}
