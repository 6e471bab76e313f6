using System.Security.Cryptography;
using LiteDB;
using Sniffer.Analysis.Mail;
using Sniffer.Core.Records;
using Sniffer.Dissectors.Imap.Records;
using Sniffer.Dissectors.Mail;
using Sniffer.Dissectors.Smtp.Records;
using Sniffer.Engine;
using Sniffer.TestSupport;
using Xunit;

namespace Sniffer.Storage.Tests;

/// <summary>SMTP and IMAP records and the analyses' results land in their named collections, whole.</summary>
public sealed class MailStoreTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [SharedCapturesFact]
    public void Smtp_transactions_sessions_and_messages_are_stored_with_the_raw_message_in_file_storage()
    {
        (List<SnifferRecord> emitted, SessionStoreReader reader) = AnalyseAndStore("real/smtp-swaks-aiosmtpd.pcap");
        using (reader)
        {
            Assert.Equal(emitted.OfType<SmtpSession>().Count(), reader.Count(StoreCollections.SmtpSessions));
            List<SmtpTransaction> transactions = emitted.OfType<SmtpTransaction>().ToList();
            Assert.Equal(transactions.Count, reader.Count(StoreCollections.SmtpTransactions));
            var rejected = reader.Documents(StoreCollections.SmtpTransactions, Page.First(100))
                .SelectMany(d => d["recipients"].AsArray).Where(r => r["accepted"] != true).ToList();
            Assert.Equal(transactions.Sum(t => t.Rejected.Count()), rejected.Count);
            Assert.Contains(reader.Documents(StoreCollections.SmtpSessions, Page.First(100)),
                d => d["auth"].IsArray && d["auth"].AsArray.Any(a => a["outcome"] == "Failed"));

            List<MailMessage> messages = emitted.OfType<MailMessage>().ToList();
            Assert.NotEmpty(messages);
            foreach (MailMessage message in messages)
            {
                BsonDocument stored = Assert.Single(reader.Documents(StoreCollections.Messages, Page.First(10), LiteDB.Query.EQ("md5", message.Md5)));
                Assert.Equal(message.Subject, stored["subject"].AsString);
                Assert.Equal(message.Attachments.Count, stored["attachments"].IsArray ? stored["attachments"].AsArray.Count : 0);
                byte[] raw = reader.GetBody(message.Sha256)!;
                Assert.Equal(message.Md5, Convert.ToHexStringLower(MD5.HashData(raw)));
            }
        }
    }

    [SharedCapturesFact]
    public void Imap_sessions_commands_and_transfers_are_stored_and_indexed_by_command()
    {
        (List<SnifferRecord> emitted, SessionStoreReader reader) = AnalyseAndStore("real/imap-curl-dovecot.pcap");
        using (reader)
        {
            Assert.Equal(emitted.OfType<ImapSession>().Count(), reader.Count(StoreCollections.ImapSessions));
            List<ImapCommandRecord> commands = emitted.OfType<ImapCommandRecord>().ToList();
            Assert.Equal(commands.Count, reader.Count(StoreCollections.ImapCommands));
            int fetches = commands.Count(c => c.Command.Contains("FETCH", StringComparison.Ordinal));
            Assert.True(fetches > 0);
            Assert.Equal(commands.Count(c => c.Command == "UID FETCH"),
                reader.Count(StoreCollections.ImapCommands, LiteDB.Query.EQ("command", "UID FETCH")));
            Assert.Equal(emitted.OfType<ImapMessageTransfer>().Count(), reader.Count(StoreCollections.ImapTransfers));
            // Passwords stay masked in the store unless --show-secrets.
            Assert.All(reader.Documents(StoreCollections.ImapCommands, Page.First(1000)).Where(d => !d["secret"].IsNull),
                d => Assert.Equal(ImapCredentials.Mask, d["secret"].AsString));
        }
    }

    [Fact]
    public void Analysis_results_go_to_their_named_collections_in_snake_case()
    {
        (List<SnifferRecord> emitted, SessionStoreReader reader) = AnalyseAndStore(Path.Combine(RepositoryPaths.Captures, "tcp", "http-keepalive.pcap"));
        using (reader)
        {
            // The capture-wide timing summary is the one without a host.
            BsonDocument timing = Assert.Single(reader.Documents(StoreCollections.Summaries, Page.First(100), LiteDB.Query.EQ("kind", "timing")),
                d => d["host"].IsNull);
            var overall = emitted.OfType<Sniffer.Analysis.Http.Timing.TimingSummary>().Single(t => t.Host is null);
            Assert.Equal(overall.Requests, timing["requests"].AsInt32);
            Assert.Equal(overall.HandshakesSaved, timing["handshakes_saved"].AsInt32);
            Assert.Equal(emitted.OfType<Sniffer.Analysis.Http.Timing.ObjectTiming>().Count(), reader.Count(StoreCollections.ObjectTimings));
            Assert.Equal(1, reader.Count(StoreCollections.Summaries, LiteDB.Query.EQ("kind", "mail")));
        }
    }

    [Fact]
    public void A_mail_submitted_over_smtp_and_fetched_over_imap_is_one_path()
    {
        // The SMTP dissector and the IMAP dissector each emit a MailMessage; the tap links them by Message-ID.
        byte[] raw = "Message-ID: <m1@example.test>\r\nSubject: Path\r\nFrom: a@example.test\r\nTo: b@example.test\r\n\r\nHello\r\n"u8.ToArray();
        var analysis = new MailAnalysis();
        analysis.Emit(Message("smtp", "1", flow: 1, timeNs: 1_000, raw));
        analysis.Emit(Message("imap", "1", flow: 2, timeNs: 5_000, raw));
        analysis.Emit(new ImapMessageTransfer
        {
            FlowId = 2, TimeNs = 5_000, Origin = ImapTransferOrigin.Fetch, Folder = "INBOX", Uid = 7, Item = "BODY[]",
            WholeMessage = true, Size = raw.Length, CapturedBytes = raw.Length, Complete = true, MailMessageId = "1",
        });
        analysis.Emit(new FlowRecord { FlowId = 1, Client = "10.0.0.1:40000", Server = "10.0.0.2:25", ClientAddress = "10.0.0.1", ClientPort = 40000, ServerAddress = "10.0.0.2", ServerPort = 25 });

        MailPath path = Assert.Single(analysis.Complete().OfType<MailPath>());
        Assert.Equal("m1@example.test", path.MessageId);
        Assert.Equal(4_000, path.LatencyNs);
        Assert.Equal("10.0.0.1:40000", path.SmtpClient);
        MailRetrieval retrieval = Assert.Single(path.Retrievals);
        Assert.Equal(("INBOX", 7L, true), (retrieval.Folder, retrieval.Uid!.Value, retrieval.Identical));
        Assert.Equal(1, analysis.Complete().OfType<MailSummary>().Single().Paths);
    }

    [Fact]
    public void A_download_older_than_the_submission_is_not_its_path()
    {
        byte[] raw = "Message-ID: <m2@example.test>\r\nSubject: Old\r\n\r\nx\r\n"u8.ToArray();
        var analysis = new MailAnalysis();
        analysis.Emit(Message("imap", "1", flow: 2, timeNs: 500, raw));
        analysis.Emit(new ImapMessageTransfer
        {
            FlowId = 2, TimeNs = 500, Origin = ImapTransferOrigin.Fetch, Item = "BODY[]", WholeMessage = true, MailMessageId = "1",
        });
        analysis.Emit(Message("smtp", "1", flow: 1, timeNs: 1_000, raw));
        Assert.Empty(analysis.Complete().OfType<MailPath>());
    }

    private static MailMessage Message(string source, string id, long flow, long timeNs, byte[] raw) => new()
    {
        FlowId = flow,
        TimeNs = timeNs,
        Source = source,
        Id = id,
        Raw = raw,
        Size = raw.Length,
        Md5 = Convert.ToHexStringLower(MD5.HashData(raw)),
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(raw)),
        Complete = true,
        Summary = MessageSummary.Parse(raw.AsMemory()),
    };

    private (List<SnifferRecord> Emitted, SessionStoreReader Reader) AnalyseAndStore(string capture)
    {
        string path = Path.IsPathRooted(capture) ? capture : RepositoryPaths.Shared(capture);
        var sink = new ListSink();
        using (var pipeline = new AnalysisPipeline(new PipelineOptions(), sink)) CaptureFileAnalysis.Read([path], pipeline);
        string db = _folder.File("mail.sniffer.db");
        using (var writer = SessionStoreWriter.Open(db))
        {
            writer.BeginCapture(new CaptureSource(path));
            foreach (SnifferRecord record in sink.Records) writer.Emit(record);
        }
        return (sink.Records, SessionStoreReader.Open(db));
    }
}
