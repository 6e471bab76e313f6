using System.Security.Cryptography;
using MimeKit;
using MimeKit.Utils;
using Sniffer.Dissectors.Mail;
using Sniffer.Dissectors.Smtp.Records;
using Sniffer.Dissectors.Smtp.Tests.Support;
using Sniffer.TestSupport;
using Xunit;

namespace Sniffer.Dissectors.Smtp.Tests;

/// <summary>
/// Zeek's and Suricata's SMTP traces (../shared/captures/peers) against their own baselines (peers-oracles): Zeek's
/// smtp.log and files.log rows, and the checks of Suricata's test.yaml files.
/// </summary>
public class PeerCaptureTests
{
    public static TheoryData<string, string> ZeekSmtpLogs => new()
    {
        { "smtp.pcap", "smtp.pcap/scripts.base.protocols.smtp.basic/smtp.log" },
        { "smtp-attachment-msg.pcap", "smtp-attachment-msg.pcap/scripts.base.protocols.smtp.attachment-msg/smtp.log" },
        { "smtp/rfc3030-bdat-example1.pcap", "smtp/rfc3030-bdat-example1.pcap/scripts.base.protocols.smtp.bdat/smtp.log" },
        { "smtp/smtp-bdat-cmd-invalid.pcapng", "smtp/smtp-bdat-cmd-invalid.pcapng/scripts.base.protocols.smtp.bdat-cmd-invalid/smtp.log" },
        { "smtp/smtp-bdat-pipeline-8bitmime.pcap", "smtp/smtp-bdat-pipeline-8bitmime.pcap/scripts.base.protocols.smtp.bdat-pipeline-8bitmime/smtp.log" },
    };

    [SharedCapturesTheory]
    [MemberData(nameof(ZeekSmtpLogs))]
    public void TransactionsMatchZeeksSmtpLog(string capture, string baseline)
    {
        SmtpCaptures analysed = SmtpCaptures.Analyse(RepositoryPaths.Shared("peers/zeek/" + capture));
        var rows = ZeekLog.Read(RepositoryPaths.Shared("peers-oracles/zeek/" + baseline)).Rows;
        var transactions = analysed.Transactions;
        Assert.Equal(rows.Count, transactions.Count);
        foreach (var (row, t) in rows.Zip(transactions))
        {
            MailMessage? m = t.Message;
            Assert.Equal(row["trans_depth"], t.Depth.ToString());
            Assert.Equal(row["helo"], t.Helo);
            Assert.Equal(row["mailfrom"], t.MailFrom);
            Assert.Equal(ZeekLog.Set(row["rcptto"]).Order(), t.Recipients.Select(r => r.Address).Order());
            Assert.Equal(Unset(row["last_reply"]), t.LastReply?.ToString());
            Assert.Equal(row["tls"] == "T", analysed.Sessions.Single(s => s.FlowId == t.FlowId).StartTls);
            Assert.Equal(Unset(row["subject"]), m?.Subject);
            Assert.Equal(Unset(row["msg_id"]), m?.MessageId is { } id ? $"<{id}>" : null);
            Assert.Equal(Unset(row["in_reply_to"]), m?.InReplyTo is { } parent ? $"<{parent}>" : null);
            Assert.Equal(Unset(row["user_agent"]), m?.UserAgent ?? m?.XMailer);
            Assert.Equal(Addresses(row["from"]), m?.From.Select(a => a.Address) ?? []);
            Assert.Equal(Addresses(row["to"]).Order(), (m?.To.Select(a => a.Address) ?? []).Order());
            Assert.Equal(Addresses(row["cc"]).Order(), (m?.Cc.Select(a => a.Address) ?? []).Order());
            Assert.Equal(Unset(row["date"]) is { } date ? DateUtils.TryParse(date, out DateTimeOffset parsed) ? parsed : null : (DateTimeOffset?)null, m?.Date);
            // Zeek keeps the earliest hop (the bottom Received) as first_received, the one above it as second; it drops
            // the line breaks of folding but keeps the indentation, so compare with runs of blanks made one space.
            Assert.Equal(Whitespace(Unset(row["first_received"])), Whitespace(m?.Received.ElementAtOrDefault(m.Received.Count - 1)));
            Assert.Equal(Whitespace(Unset(row["second_received"])), Whitespace(m?.Received.ElementAtOrDefault(m.Received.Count - 2)));
        }
    }

    public static TheoryData<string, string> ZeekWholeMessages => new()
    {
        { "smtp.pcap", "smtp.pcap/scripts.base.protocols.smtp.rfc822-msg-file-analysis-multi-session/files.cut" },
        { "smtp-attachment-msg.pcap", "smtp-attachment-msg.pcap/scripts.base.protocols.smtp.rfc822-msg-file-analysis/files.cut" },
        { "smtp/smtp-bdat-pipeline-8bitmime.pcap", "smtp/smtp-bdat-pipeline-8bitmime.pcap/scripts.base.protocols.smtp.rfc822-msg-file-analysis-multi-mail/files.cut" },
    };

    /// <summary>Zeek hands each whole message to file analysis as message/rfc822 and logs its length and SHA-1.</summary>
    [SharedCapturesTheory]
    [MemberData(nameof(ZeekWholeMessages))]
    public void MessagesAreByteForByteWhatZeekExtracted(string capture, string baseline)
    {
        var messages = SmtpCaptures.Analyse(RepositoryPaths.Shared("peers/zeek/" + capture)).Messages;
        var expected = ZeekLog.Read(RepositoryPaths.Shared("peers-oracles/zeek/" + baseline)).Rows
            .Where(r => r["mime_type"] == "message/rfc822").Select(r => (long.Parse(r["seen_bytes"]), r["sha1"]));
        Assert.Equal(expected, messages.Select(m => (m.Size, Convert.ToHexStringLower(SHA1.HashData(m.Raw.Span)))));
        Assert.All(messages, m => Assert.True(m.Complete));
    }

    [SharedCapturesFact]
    public void ZeeksExtractedMailIsTheMessage()
    {
        MailMessage message = SmtpCaptures.Analyse(RepositoryPaths.Shared("peers/zeek/smtp-attachment-msg.pcap")).Messages.Single();
        byte[] extracted = File.ReadAllBytes(RepositoryPaths.Shared("peers-oracles/zeek/smtp-attachment-msg.pcap/scripts.base.protocols.smtp.rfc822-msg-file-analysis/extract_files.mail"));
        Assert.Equal(extracted, message.Raw.ToArray());
        Assert.Equal("test.msg", message.Attachments.Single().FileName);
    }

    /// <summary>
    /// Zeek's files.log for smtp.pcap: the same leaves with the same names. Zeek counts the CRLF before each boundary
    /// into the part (10809, 1868); RFC 2046 §5.1.1 gives it to the boundary, as MimeKit and Suricata (10807) do.
    /// Zeek's mime_content_hash baseline gives the 204-byte part's MD5.
    /// </summary>
    [SharedCapturesFact]
    public void AttachmentsMatchZeekAndSuricata()
    {
        var messages = SmtpCaptures.Analyse(RepositoryPaths.Shared("peers/zeek/smtp.pcap")).Messages;
        var leaves = messages[0].Body!.DescendantsAndSelf().Where(p => p.DecodedSize is not null).ToList();
        Assert.Equal(["text/plain", "text/html", "text/plain"], leaves.Select(p => p.ContentType));
        Assert.Equal([null, null, "NEWS.txt"], leaves.Select(p => p.FileName));
        Assert.Equal([77L, 1866L, 10807L], leaves.Select(p => p.DecodedSize!.Value));
        Assert.Equal("NEWS.txt", messages[0].Attachments.Single().FileName);
        MailBodyPart single = messages[1].Body!;
        Assert.Equal((204L, "f6bf92b103a9d008e070c53bdf9a640c"), (single.DecodedSize!.Value, single.Md5));
    }

    [SharedCapturesFact]
    public void SuricataEveChecks()
    {
        // smtp-eve, smtp-file-data-02 (on bug-3616-smtp): helo, envelope, header, the attachment and its size.
        SmtpTransaction gp = SmtpCaptures.Analyse(Suricata("bug-3616-smtp/input.pcap")).Transactions.Single();
        Assert.Equal(("GP", "gurpartap@patriots.in", "raj_deol2002in@yahoo.co.in"), (gp.Helo, gp.MailFrom, gp.Recipients.Single().Address));
        Assert.Equal(new MailAddress("Gurpartap Singh", "gurpartap@patriots.in"), gp.Message!.From.Single());
        Assert.Equal(("NEWS.txt", 10807L), (gp.Message.Attachments.Single().FileName, gp.Message.Attachments.Single().DecodedSize));

        // smtp-file-data-01.
        SmtpTransaction j = SmtpCaptures.Analyse(Suricata("smtp-file-data-01/input.pcap")).Transactions.Single();
        Assert.Equal(("client-1016363.example.int", "sender@example.com", "recipient@example.com"), (j.Helo, j.MailFrom, j.Recipients.Single().Address));
        Assert.Equal("J.txt", j.Message!.Attachments.Single().FileName);

        // smtp-pipelining: one transaction, pipelined, its envelope.
        SmtpCaptures pipelining = SmtpCaptures.Analyse(Suricata("smtp-pipelining/input.pcap"));
        SmtpTransaction p = pipelining.Transactions.Single();
        Assert.Equal(("username@domain.com", "john.doe@example.com", SmtpDataOutcome.Accepted), (p.MailFrom, p.Recipients.Single().Address, p.DataOutcome));
        Assert.Contains(pipelining.Sessions.Single().Commands, c => c.Pipelined);

        // smtp-startssl: one session, the helo, and no mail (the rest is TLS).
        SmtpCaptures startTls = SmtpCaptures.Analyse(Suricata("smtp-startssl/input.pcap"));
        SmtpSession session = startTls.Sessions.Single();
        Assert.Equal(("desktop.unx.ca", true), (session.Helo, session.StartTls));
        Assert.Empty(startTls.Transactions);

        // smtp-attachment-md5: the attachment is EICAR, whose MD5 is the rule's target.md5.
        string target = File.ReadAllText(RepositoryPaths.Shared("peers-oracles/suricata-verify/tests/smtp-attachment-md5/target.md5")).Trim();
        MailMessage eicar = SmtpCaptures.Analyse(Suricata("smtp-attachment-md5/input.pcap")).Messages.Single();
        Assert.Equal(target, eicar.Attachments.Single().Md5);
    }

    /// <summary>suricata-verify smtp-data-rejected: DATA refused in a pipelined group, then a message refused after its content.</summary>
    [SharedCapturesFact]
    public void DataRejectedEvenWithPipelining()
    {
        SmtpCaptures analysed = SmtpCaptures.Analyse(Suricata("smtp-data-rejected/10.7.29.101_49898-178.63.41.150_25.pcap"));
        var transactions = analysed.Transactions;
        Assert.Equal(2, transactions.Count);
        Assert.Equal((553, SmtpDataOutcome.Rejected, null), (transactions[0].MailReply!.Code, transactions[0].DataOutcome, transactions[0].Message));
        SmtpTransaction refused = transactions[1];
        Assert.Equal((SmtpDataOutcome.Rejected, 554), (refused.DataOutcome, refused.DataReply!.Code));
        Assert.Equal("2f4e7dba21a31bde1192ca03b489a9bd47281a28e206b3dcf245082a491e8e0a", refused.Message!.Attachments.Single().Sha256);
        // Suricata's email.received[0] drops the folding and the angle brackets; ours keeps the field's text.
        string received = refused.Message.Received[0];
        Assert.StartsWith("from [65.201.218.30] (helo=COZOXORY.club)", received);
        Assert.EndsWith("id 71cF63a9 for mirjam@abrakadabra.ch; Mon, 29 Jul 2019 17:01:45 +0000", Whitespace(received));
    }

    private static string Suricata(string path) => RepositoryPaths.Shared("peers/suricata-verify/tests/" + path);

    private static string? Unset(string value) => value == "-" ? null : value;

    private static IEnumerable<string> Addresses(string value) =>
        value == "-" ? [] : ZeekLog.Set(value).SelectMany(a => InternetAddressList.Parse(a).Mailboxes).Select(m => m.Address);

    private static string? Whitespace(string? value) => value is null ? null : string.Join(' ', value.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
}
