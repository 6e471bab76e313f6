using LiteDB;
using Sniffer.Dissectors.Imap.Records;

namespace Sniffer.Storage.Mapping.Mail;

/// <summary>IMAP connections with the mailbox the client learnt of: folders and, per folder, the messages' summaries.</summary>
internal sealed class ImapSessionMapping : DocumentRecordMapping<ImapSession>
{
    public override string Collection => StoreCollections.ImapSessions;

    protected override void Write(ImapSession s, BsonDocument d, StoreBatch batch)
    {
        d.Set("greeting", s.Greeting);
        d["capabilities"] = Bson.Strings(s.Capabilities);
        d.Set("user", s.UserName);
        d.Set("authenticated", s.Authenticated);
        d.Set("failed_logins", s.FailedLogins > 0 ? s.FailedLogins : null);
        d["final_state"] = s.FinalState.ToString();
        d.Set("encrypted", s.Encrypted);
        d.Set("compressed", s.Compressed);
        d["commands"] = s.Commands;
        d["folders"] = new BsonArray(s.Folders.Select(f => (BsonValue)Folder(f)));
        batch.Add(Collection, d);
    }

    private static BsonDocument Folder(ImapFolder f)
    {
        var d = new BsonDocument { ["name"] = f.Name };
        d.Set("exists", f.Exists);
        d.Set("recent", f.Recent);
        d.Set("unseen", f.Unseen);
        d.Set("uid_validity", f.UidValidity);
        d.Set("uid_next", f.UidNext);
        if (f.Flags.Count > 0) d["flags"] = Bson.Strings(f.Flags);
        d.Set("selected", f.Selected);
        d["messages"] = new BsonArray(f.Messages.Select(m =>
        {
            var message = new BsonDocument();
            message.Set("uid", m.Uid);
            message.Set("seq", m.SequenceNumber);
            if (m.Flags.Count > 0) message["flags"] = Bson.Strings(m.Flags);
            message.Set("size", m.Size);
            message.Set("internal_date", m.InternalDate);
            message.Set("subject", m.Subject);
            if (m.From.Count > 0) message["from"] = Bson.Strings(m.From);
            message.Set("date", m.Date);
            message.Set("message_id", m.MessageId);
            message.Set("expunged", m.Expunged);
            return (BsonValue)message;
        }));
        return d;
    }
}

/// <summary>IMAP commands paired with their tagged completion, with latency (what the client waited for).</summary>
internal sealed class ImapCommandMapping : DocumentRecordMapping<ImapCommandRecord>
{
    public override string Collection => StoreCollections.ImapCommands;

    public override void EnsureIndexes(LiteDatabase database)
    {
        base.EnsureIndexes(database);
        database.GetCollection(Collection).EnsureIndex("command", "$.command");
    }

    protected override void Write(ImapCommandRecord c, BsonDocument d, StoreBatch batch)
    {
        d["index"] = c.Index;
        d["tag"] = c.Tag;
        d.SetKey("command", c.Command);
        d.Set("arguments", c.Arguments.Length > 0 ? c.Arguments : null);
        d.Set("status", c.Status);
        d.Set("response_code", c.ResponseCode);
        d.Set("response_text", c.ResponseText);
        d["state_before"] = c.StateBefore.ToString();
        d["state_after"] = c.StateAfter.ToString();
        d.Set("mailbox", c.Mailbox);
        d.Set("latency_ns", c.LatencyNs);
        d.Set("untagged", c.UntaggedResponses > 0 ? c.UntaggedResponses : null);
        if (c.SearchResults.Count > 0) d["search_results"] = new BsonArray(c.SearchResults.Select(r => new BsonValue(r)));
        if (c.Credentials is { } credentials)
        {
            d["mechanism"] = credentials.Mechanism;
            d.Set("user", credentials.UserName);
            d.Set("secret", credentials.Secret);
        }
        if (c.IdleUpdates.Count > 0) d["idle_updates"] = Bson.Strings(c.IdleUpdates);
        d.Set("idle_done_ns", c.IdleDoneNs);
        d.Set("complete", c.Complete);
        batch.Add(Collection, d);
    }
}

/// <summary>Message content that crossed an IMAP connection (FETCH body sections, APPEND), pointing at its message.</summary>
internal sealed class ImapTransferMapping : DocumentRecordMapping<ImapMessageTransfer>
{
    public override string Collection => StoreCollections.ImapTransfers;

    protected override void Write(ImapMessageTransfer t, BsonDocument d, StoreBatch batch)
    {
        d["origin"] = t.Origin.ToString();
        d.Set("tag", t.Tag);
        d.Set("folder", t.Folder);
        d.Set("uid", t.Uid);
        d.Set("seq", t.SequenceNumber);
        d["item"] = t.Item;
        d.Set("whole", t.WholeMessage);
        d.Set("partial", t.Partial);
        d["size"] = t.Size;
        d["captured"] = t.CapturedBytes;
        d.Set("complete", t.Complete);
        d.Set("truncated", t.Truncated);
        d.Set("sha256", t.Sha256);
        d.Set("message_id", t.MessageId);
        d.Set("subject", t.Subject);
        if (t.From.Count > 0) d["from"] = Bson.Strings(t.From);
        if (t.To.Count > 0) d["to"] = Bson.Strings(t.To);
        batch.Add(Collection, d);
    }
}
