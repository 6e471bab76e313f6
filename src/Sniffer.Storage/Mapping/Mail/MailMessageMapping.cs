using LiteDB;
using Sniffer.Dissectors.Mail;

namespace Sniffer.Storage.Mapping.Mail;

/// <summary>
/// Reconstructed messages, from SMTP and IMAP alike. The raw bytes go to file storage under their SHA-256 (a mail
/// fetched twice is stored once, as bodies are); the document keeps the envelope-like headers, digests and the MIME
/// tree, indexed by Message-ID, subject and the digests — how mail is looked up and how its two halves are matched.
/// </summary>
internal sealed class MailMessageMapping : DocumentRecordMapping<MailMessage>
{
    public override string Collection => StoreCollections.Messages;

    public override void EnsureIndexes(LiteDatabase database)
    {
        base.EnsureIndexes(database);
        var messages = database.GetCollection(Collection);
        messages.EnsureIndex("message_id", "$.message_id");
        messages.EnsureIndex("subject", "$.subject");
        messages.EnsureIndex("md5", "$.md5");
        messages.EnsureIndex("sha256", "$.sha256");
    }

    protected override void Write(MailMessage m, BsonDocument d, StoreBatch batch)
    {
        d["source"] = m.Source;
        d.SetKey("message_id", m.MessageId);
        d.SetKey("subject", m.Subject);
        d["from"] = MailDocuments.Addresses(m.From);
        d["to"] = MailDocuments.Addresses(m.To);
        if (m.Cc.Count > 0) d["cc"] = MailDocuments.Addresses(m.Cc);
        d.Set("date", m.Date?.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        d["size"] = m.Size;
        d["md5"] = m.Md5;
        d["sha256"] = m.Sha256;
        d.Set("complete", m.Complete);
        d.Set("missing_bytes", m.MissingBytes > 0 ? m.MissingBytes : null);
        d.Set("truncated", m.Truncated);
        d.Set("eight_bit", m.Has8BitData);
        d.Set("user_agent", m.UserAgent ?? m.XMailer);
        d.Set("in_reply_to", m.InReplyTo);
        if (m.Body is { } body) d["mime"] = MailDocuments.Part(body);
        if (m.Attachments.Count > 0)
        {
            d["attachments"] = new BsonArray(m.Attachments.Select(a =>
            {
                var attachment = new BsonDocument { ["content_type"] = a.ContentType };
                attachment.Set("file_name", a.FileName);
                attachment.Set("size", a.DecodedSize);
                attachment.Set("md5", a.Md5);
                attachment.Set("sha256", a.Sha256);
                return (BsonValue)attachment;
            }));
        }
        if (m.Summary.Problems.Count > 0) d["problems"] = Bson.Strings(m.Summary.Problems);
        batch.AddBody(m.Sha256, m.Raw.ToArray());
        batch.Add(Collection, d);
    }
}
