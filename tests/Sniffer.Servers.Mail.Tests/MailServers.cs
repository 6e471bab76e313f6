using System.Security.Cryptography;
using MimeKit;

namespace Sniffer.Servers.Mail.Tests;

/// <summary>Both test servers over one fresh store, on free loopback ports; disposing stops them.</summary>
internal sealed class MailServers : IAsyncDisposable
{
    private MailServers(MailStore store, SmtpTestServer smtp, ImapTestServer imap)
    {
        Store = store;
        Smtp = smtp;
        Imap = imap;
    }

    public MailStore Store { get; }
    public SmtpTestServer Smtp { get; }
    public ImapTestServer Imap { get; }

    public static async Task<MailServers> StartAsync(SmtpTestServerOptions? smtpOptions = null, ImapTestServerOptions? imapOptions = null)
    {
        var store = new MailStore();
        SmtpTestServer smtp = await SmtpTestServer.StartAsync(store, smtpOptions ?? new SmtpTestServerOptions());
        try
        {
            return new MailServers(store, smtp, await ImapTestServer.StartAsync(store, imapOptions ?? new ImapTestServerOptions()));
        }
        catch
        {
            await smtp.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Imap.DisposeAsync();
        await Smtp.DisposeAsync();
    }

    /// <summary>The bytes a client sends for a message: MimeKit's serialisation with CRLF line ends.</summary>
    public static byte[] WireBytes(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, stream);
        return stream.ToArray();
    }

    public static string Md5(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(MD5.HashData(bytes));

    /// <summary>A mail with a text body and a binary attachment, like the generator sends.</summary>
    public static MimeMessage SampleMessage(string subject, string from = "alice@sniffer.test", params string[] to)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        foreach (string recipient in to.Length == 0 ? ["bob@sniffer.test"] : to) message.To.Add(MailboxAddress.Parse(recipient));
        message.Subject = subject;
        var builder = new BodyBuilder { TextBody = "Hello Bob,\r\n.a line that starts with a dot\r\n\r\nAlice\r\n" };
        builder.Attachments.Add("data.bin", AttachmentBytes, new ContentType("application", "octet-stream"));
        message.Body = builder.ToMessageBody();
        return message;
    }

    /// <summary>Every byte value, several times over, so encoding mistakes show.</summary>
    public static readonly byte[] AttachmentBytes = Enumerable.Range(0, 3000).Select(i => (byte)(i * 7 % 256)).ToArray();
}
