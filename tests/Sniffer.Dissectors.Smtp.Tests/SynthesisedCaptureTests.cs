using System.Security.Cryptography;
using System.Text;
using MailKit.Net.Smtp;
using MimeKit;
using MimeKit.IO;
using Sniffer.Dissectors.Mail;
using Sniffer.Dissectors.Smtp.Records;
using Sniffer.Dissectors.Smtp.Tests.Support;
using Sniffer.TestSupport.CaptureFiles;
using Sniffer.TestSupport.Synthesis;
using Xunit;

namespace Sniffer.Dissectors.Smtp.Tests;

/// <summary>
/// A MimeKit-built message submitted in a synthesised capture, dot-stuffed by MailKit's own SmtpDataFilter, then
/// read back through the whole pipeline: the message that comes out is the one that went in, to the MD5.
/// </summary>
public class SynthesisedCaptureTests
{
    private const ushort Port = 2525;

    [Fact]
    public void AMimeKitMessageComesBackByteForByte()
    {
        byte[] message = BuildMessage();
        SyntheticFrame[] frames = Submit(message).Frames.ToArray();
        SmtpCaptures analysed = Analyse(frames);

        SmtpTransaction transaction = analysed.Transactions.Single();
        MailMessage received = transaction.Message!;
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(message)), received.Md5);
        Assert.Equal(message, received.Raw.ToArray());
        Assert.True(received.Complete);
        Assert.Equal(("Rapport trimestriel — café ☕", "report.pdf", 3000L), (received.Subject, received.Attachments.Single().FileName, received.Attachments.Single().DecodedSize));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Attachment)), received.Attachments.Single().Sha256);
        Assert.Equal(["bob@example.org"], transaction.Accepted.Select(r => r.Address));
        Assert.Equal([("eve@example.org", 550)], transaction.Rejected.Select(r => (r.Address, r.Reply!.Code)));
        // The refused recipient is not part of the envelope the message travels with, so envelope and header agree.
        Assert.Empty(transaction.EnvelopeDifferences);
        Assert.Equal(221, analysed.Sessions.Single().LastReply!.Code);
    }

    [Fact]
    public void ASegmentLostInsideDataLeavesAnIncompleteMessageAndTheSessionGoesOn()
    {
        byte[] message = BuildMessage();
        var frames = Submit(message).Frames.ToList();
        // Drop a full-sized client segment from the middle of the content; the server's ACK tells the reassembler.
        SyntheticFrame lost = frames.Where(f => f.FromClient && f.Payload.Length == 1460).Skip(1).First();
        frames.Remove(lost);
        SmtpCaptures analysed = Analyse(frames);

        MailMessage received = analysed.Messages.Single();
        Assert.Equal((false, 1460L), (received.Complete, received.MissingBytes));
        Assert.Contains(analysed.Anomalies, a => a.Kind == SmtpAnomalyKinds.ContentGap);
        SmtpSession session = analysed.Sessions.Single();
        Assert.Equal(["EHLO", "MAIL", "RCPT", "RCPT", "DATA", ".", "QUIT"], session.Commands.Select(c => c.Verb));
        Assert.Equal(221, session.LastReply!.Code);
    }

    private static readonly byte[] Attachment = Enumerable.Range(0, 3000).Select(i => (byte)(i * 7)).ToArray();

    private static byte[] BuildMessage()
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Alice", "alice@example.org"));
        message.To.Add(new MailboxAddress("Bob", "bob@example.org"));
        message.Subject = "Rapport trimestriel — café ☕";
        message.MessageId = "report-q3@example.org";
        message.Date = new DateTimeOffset(2024, 1, 15, 12, 0, 0, TimeSpan.Zero);
        var builder = new BodyBuilder { TextBody = "Hello Bob,\n.\n..two dots\n.leading dot\nthe report is attached.\n" };
        builder.Attachments.Add("report.pdf", Attachment, new ContentType("application", "pdf"));
        message.Body = builder.ToMessageBody();
        using var stream = new MemoryStream();
        message.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, stream);
        return stream.ToArray();
    }

    private static TcpConversation Submit(byte[] message)
    {
        var conversation = new TcpConversation("192.0.2.10:40000", $"192.0.2.25:{Port}").Handshake();
        conversation.ServerSends("220 mx.example.org ESMTP\r\n")
            .ClientSends("EHLO client.example.org\r\n")
            .ServerSends("250-mx.example.org\r\n250-8BITMIME\r\n250 PIPELINING\r\n")
            .ClientSends("MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.org>\r\nRCPT TO:<eve@example.org>\r\nDATA\r\n")
            .ServerSends("250 2.1.0 OK\r\n250 2.1.5 OK\r\n550 5.1.1 No such user\r\n354 Go ahead\r\n")
            .ClientSends(DotStuffed(message))
            .ServerSends("250 2.0.0 Queued\r\n")
            .ClientSends("QUIT\r\n")
            .ServerSends("221 2.0.0 Bye\r\n");
        return conversation.Close();
    }

    // MailKit's client-side encoder: stuffs the dots and ends the content with CRLF.CRLF, as SmtpClient sends it.
    private static byte[] DotStuffed(byte[] message)
    {
        using var output = new MemoryStream();
        using (var filtered = new FilteredStream(output))
        {
            filtered.Add(new SmtpDataFilter());
            filtered.Write(message);
            filtered.Flush();
        }
        output.Write(".\r\n"u8);
        return output.ToArray();
    }

    private static SmtpCaptures Analyse(IEnumerable<SyntheticFrame> frames)
    {
        var pcap = new PcapFileBuilder();
        foreach (SyntheticFrame frame in frames)
        {
            pcap.AddPacket(frame.Bytes, (uint)(frame.TimestampNs / 1_000_000_000), (uint)(frame.TimestampNs % 1_000_000_000 / 1000));
        }
        using TemporaryFile file = TemporaryFile.WithContent(pcap.ToArray(), ".pcap");
        return SmtpCaptures.Analyse(file.Path, Port);
    }
}
