using System.Globalization;
using System.Text;
using MimeKit;

namespace Sniffer.Generator.Mail;

/// <summary>Mails made from a seeded random source: same seed, same bytes.</summary>
internal static class MailComposer
{
    /// <summary>
    /// The Date header comes from the seed, not the clock, so a mail's bytes and MD5 depend on the seed alone and two
    /// runs with one seed log the same MD5s. When a mail really crossed the wire is in the capture, not in its header.
    /// </summary>
    private static readonly DateTimeOffset DateBase = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    private static readonly string[] SubjectWords = ["Report", "Meeting notes", "Packet traces", "Grüße aus Zürich", "Invoice", "Pictures", "Agenda", "Draft"];

    public static MimeMessage Compose(Random random, string from, IReadOnlyList<string> to, IReadOnlyList<string> cc, int attachments, string messageId)
    {
        var message = new MimeMessage
        {
            Date = DateBase.AddMinutes(random.Next(0, 60 * 24 * 365)),
            MessageId = messageId,
            // A non-ASCII subject goes out as an RFC 2047 encoded-word, which the analysis has to decode back.
            Subject = $"{SubjectWords[random.Next(SubjectWords.Length)]} #{random.Next(100, 1000)}",
        };
        message.From.Add(MailboxAddress.Parse(from));
        foreach (string address in to) message.To.Add(MailboxAddress.Parse(address));
        foreach (string address in cc) message.Cc.Add(MailboxAddress.Parse(address));

        var text = new TextPart("plain") { Text = Body(random) };
        if (attachments == 0)
        {
            message.Body = text;
            return message;
        }
        // MimeKit draws boundaries from its own random source; this one comes from the seed.
        var mixed = new Multipart("mixed") { Boundary = $"=-sniffer-{random.NextInt64():x16}", };
        mixed.Add(text);
        for (int i = 0; i < attachments; i++) mixed.Add(Attachment(random, i));
        message.Body = mixed;
        return message;
    }

    /// <summary>A few lines, one of which starts with a dot so the transmission needs dot-stuffing (RFC 5321 §4.5.2).</summary>
    private static string Body(Random random)
    {
        var body = new StringBuilder();
        body.Append("Hello,\r\n\r\n");
        int lines = random.Next(3, 9);
        int dotLine = random.Next(lines);
        for (int i = 0; i < lines; i++)
        {
            if (i == dotLine) body.Append('.');
            body.Append(Words.Sentence(random, 5, 12)).Append(".\r\n");
        }
        body.Append("\r\n-- \r\n").Append(Words.Name(random)).Append("\r\n");
        return body.ToString();
    }

    private static MimePart Attachment(Random random, int index)
    {
        bool binary = random.Next(3) > 0;
        byte[] content;
        if (binary)
        {
            content = new byte[random.Next(1_000, 30_000)];
            random.NextBytes(content);
        }
        else
        {
            content = Encoding.ASCII.GetBytes(string.Join("\r\n", Enumerable.Range(0, random.Next(5, 40)).Select(_ => Words.Sentence(random, 4, 10))) + "\r\n");
        }
        string name = string.Create(CultureInfo.InvariantCulture, $"{(binary ? "capture" : "notes")}-{index + 1}-{random.Next(1000, 10000)}.{(binary ? "bin" : "txt")}");
        return new MimePart(binary ? "application/octet-stream" : "text/plain")
        {
            Content = new MimeContent(new MemoryStream(content)),
            ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
            ContentTransferEncoding = binary ? ContentEncoding.Base64 : ContentEncoding.QuotedPrintable,
            FileName = name,
        };
    }
}
