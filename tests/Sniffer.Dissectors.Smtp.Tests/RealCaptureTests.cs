using System.Security.Cryptography;
using Sniffer.Dissectors.Mail;
using Sniffer.Dissectors.Smtp.Records;
using Sniffer.Dissectors.Smtp.Tests.Support;
using Sniffer.TestSupport;
using Xunit;

namespace Sniffer.Dissectors.Smtp.Tests;

/// <summary>
/// The captures of curl and swaks submitting to aiosmtpd (../shared/captures/real, commands in real-truth/client).
/// The sent .eml files are not kept beside them, so the truth is what the clients declared and what Wireshark saw:
/// curl's SIZE= is the file's length, the same file sent by both clients must come out byte for byte the same
/// (give or take what swaks adds), and the recipients are accepted or refused as the clients said.
/// </summary>
public class RealCaptureTests
{
    private const ushort Port = 12525;

    [SharedCapturesFact]
    public void CurlSubmissionsReconstructToTheDeclaredSizes()
    {
        SmtpCaptures capture = SmtpCaptures.Analyse(RepositoryPaths.Shared("real/smtp-curl-aiosmtpd.pcap"), Port);

        // curl --upload-file: MAIL FROM carries SIZE=<file length> (RFC 1870), so each message must be that long.
        var sent = capture.Transactions.Where(t => t.Message is not null).ToList();
        Assert.Equal(4, sent.Count);
        foreach (SmtpTransaction transaction in sent)
        {
            MailMessage message = transaction.Message!;
            Assert.True(message.Complete);
            Assert.Equal(long.Parse(transaction.MailParameters["SIZE"]), message.Size);
            Assert.Equal(message.Md5, Convert.ToHexStringLower(MD5.HashData(message.Raw.Span)));
            Assert.Equal(SmtpDataOutcome.Accepted, transaction.DataOutcome);
        }
        Assert.Equal(["Plain text test", "Réunion café ☕ — agenda", "Large attachment", "Dot stuffing test"], sent.Select(t => t.Message!.Subject));
        Assert.Equal(["plain-text-test@eval.local", "reunion-cafe@eval.local", "large-attachment@eval.local", "dot-stuffing-test@eval.local"],
            sent.Select(t => t.Message!.MessageId));
        Assert.Equal("Élodie", sent[1].Message!.From.Single().Name);

        // --mail-rcpt bob --mail-rcpt carol: both accepted; --mail-rcpt nobody: refused, so curl sent no content (rc=55).
        Assert.Equal(["bob@eval.local", "carol@eval.local"], sent[0].Accepted.Select(r => r.Address));
        SmtpTransaction refused = capture.Transactions.Single(t => t.Message is null);
        Assert.Equal(550, refused.Recipients.Single(r => r.Address == "nobody@eval.local").Reply!.Code);
        Assert.Empty(refused.Accepted);

        // AUTH LOGIN and the default (PLAIN) both name alice and succeed; the password stays masked.
        var authentications = capture.Sessions.SelectMany(s => s.Authentications).ToList();
        Assert.Equal(2, authentications.Count);
        Assert.All(authentications, a => Assert.Equal(("alice", "********", SmtpAuthOutcome.Succeeded), (a.User, a.Secret, a.Outcome)));
        Assert.Equal("curlclient.eval.local", capture.Sessions[0].Helo);
        Assert.Contains("PIPELINING", capture.Sessions[0].Extensions);
    }

    [SharedCapturesFact]
    public void SwaksSubmissionsMatchWhatTheClientSaw()
    {
        SmtpCaptures capture = SmtpCaptures.Analyse(RepositoryPaths.Shared("real/smtp-swaks-aiosmtpd.pcap"), Port);

        var sent = capture.Transactions.Where(t => t.Message is not null).ToList();
        Assert.Equal(["Plain text test", "Dot stuffing test", "Report with attachments", "swaks auth login test", "swaks pipelined", "swaks attachment"],
            sent.Select(t => t.Message!.Subject));
        Assert.All(sent, t => Assert.Equal(SmtpDataOutcome.Accepted, t.DataOutcome));
        Assert.Equal(["bob@eval.local", "carol@eval.local", "dave@eval.local"], sent[0].Accepted.Select(r => r.Address));
        Assert.Equal("oldstyle.eval.local", capture.Sessions[1].Helo);
        Assert.Equal("HELO", capture.Sessions[1].HelloVerb);

        // --attach-name data.csv --attach-type text/csv.
        MailBodyPart attachment = sent[5].Message!.Attachments.Single();
        Assert.Equal(("data.csv", "text/csv"), (attachment.FileName, attachment.ContentType));

        // --pipeline: MAIL, RCPT, RCPT, DATA in one group (RFC 2920), each still paired with its own reply.
        SmtpSession pipelined = capture.Sessions[4];
        var group = pipelined.Commands.SkipWhile(c => c.Verb != "MAIL").Take(4).ToList();
        Assert.Equal(["MAIL", "RCPT", "RCPT", "DATA"], group.Select(c => c.Verb));
        Assert.Equal([250, 250, 250, 354], group.Select(c => c.Reply!.Code));
        Assert.All(group.Skip(1), c => Assert.True(c.Pipelined));

        // The refused recipient, and the bad password.
        Assert.Contains(capture.Transactions, t => t.Recipients.Any(r => r is { Address: "nobody@eval.local", Reply.Code: 550, Reply.EnhancedStatus: "5.1.1" }));
        SmtpAuthentication failed = capture.Sessions.SelectMany(s => s.Authentications).Single(a => a.Outcome == SmtpAuthOutcome.Failed);
        Assert.Equal(("LOGIN", "alice", 535), (failed.Mechanism, failed.User, failed.Reply!.Code));
    }

    [SharedCapturesFact]
    public void TheSameFileSentByCurlAndBySwaksIsTheSameMessage()
    {
        var curl = SmtpCaptures.Analyse(RepositoryPaths.Shared("real/smtp-curl-aiosmtpd.pcap"), Port).Messages;
        var swaks = SmtpCaptures.Analyse(RepositoryPaths.Shared("real/smtp-swaks-aiosmtpd.pcap"), Port).Messages;
        foreach (string subject in new[] { "Plain text test", "Dot stuffing test" })
        {
            MailMessage byCurl = curl.First(m => m.Subject == subject), bySwaks = swaks.First(m => m.Subject == subject);
            // swaks --data @file sends the file and then "\r\n.\r\n" even when the file already ends in CRLF, so its
            // message is the file plus one empty line; curl sends the file as it is.
            Assert.Equal([.. byCurl.Raw.ToArray(), (byte)'\r', (byte)'\n'], bySwaks.Raw.ToArray());
            Assert.Equal(byCurl.Sha256, Convert.ToHexStringLower(SHA256.HashData(byCurl.Raw.Span)));
        }
        // 03-dotstuff.eml is 390 bytes (curl's SIZE=); on the wire it is 394, four lines' stuffed dots.
        Assert.Equal(390, curl.First(m => m.Subject == "Dot stuffing test").Size);
    }
}
