using LiteDB;
using Sniffer.Dissectors.Smtp.Records;

namespace Sniffer.Storage.Mapping.Mail;

/// <summary>SMTP connections: the handshake, authentication and every command with its reply and latency.</summary>
internal sealed class SmtpSessionMapping : DocumentRecordMapping<SmtpSession>
{
    public override string Collection => StoreCollections.SmtpSessions;

    protected override void Write(SmtpSession s, BsonDocument d, StoreBatch batch)
    {
        d.SetReply("greeting_code", "greeting", s.Greeting);
        d.Set("hello_verb", s.HelloVerb);
        d.Set("helo", s.Helo);
        d["extensions"] = Bson.Strings(s.Extensions);
        if (s.Authentications.Count > 0)
        {
            d["auth"] = new BsonArray(s.Authentications.Select(a =>
            {
                var auth = new BsonDocument { ["mechanism"] = a.Mechanism, ["outcome"] = a.Outcome.ToString() };
                auth.Set("user", a.User);
                auth.Set("secret", a.Secret);
                return (BsonValue)auth;
            }));
        }
        d.Set("starttls", s.StartTls);
        d["transactions"] = s.Transactions;
        d["commands"] = new BsonArray(s.Commands.Select(c =>
        {
            var command = new BsonDocument { ["verb"] = c.Verb, [StoredFields.Time] = c.TimeNs };
            command.Set("argument", c.Argument.Length > 0 ? c.Argument : null);
            command.SetReply("reply_code", "reply", c.Reply);
            command.Set("latency_ns", c.LatencyNs);
            command.Set("pipelined", c.Pipelined);
            return (BsonValue)command;
        }));
        batch.Add(Collection, d);
    }
}

/// <summary>Mail transactions (Zeek's smtp.log): envelope, per-recipient verdicts, the content's outcome and message.</summary>
internal sealed class SmtpTransactionMapping : DocumentRecordMapping<SmtpTransaction>
{
    public override string Collection => StoreCollections.SmtpTransactions;

    public override void EnsureIndexes(LiteDatabase database)
    {
        base.EnsureIndexes(database);
        var transactions = database.GetCollection(Collection);
        transactions.EnsureIndex("mail_from", "$.mail_from");
        transactions.EnsureIndex("message_id", "$.message_id");
    }

    protected override void Write(SmtpTransaction t, BsonDocument d, StoreBatch batch)
    {
        d["depth"] = t.Depth;
        d.Set("helo", t.Helo);
        d.Set("auth_user", t.AuthUser);
        d.SetKey("mail_from", t.MailFrom);
        d.SetReply("mail_code", "mail_reply", t.MailReply);
        d["recipients"] = new BsonArray(t.Recipients.Select(r =>
        {
            var recipient = new BsonDocument { ["address"] = r.Address };
            recipient.Set("accepted", r.Accepted);
            recipient.SetReply("reply_code", "reply", r.Reply);
            return (BsonValue)recipient;
        }));
        d.Set("content_command", t.ContentCommand);
        d["data_outcome"] = t.DataOutcome.ToString();
        d.SetReply("data_code", "data_reply", t.DataReply);
        d.SetReply("last_code", "last_reply", t.LastReply);
        if (t.EnvelopeDifferences.Count > 0) d["envelope_differences"] = Bson.Strings(t.EnvelopeDifferences);
        if (t.Message is { } message)
        {
            d["message_sha256"] = message.Sha256;
            d.SetKey("message_id", message.MessageId);
            d.Set("subject", message.Subject);
        }
        batch.Add(Collection, d);
    }
}
