using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;
using Xunit;

namespace Sniffer.Servers.Mail.Tests;

/// <summary>Part numbers and sections of a message nested three levels deep, read back through MailKit.</summary>
public sealed class NestedMimeTests
{
    [Fact]
    public async Task Every_leaf_of_a_nested_message_is_fetched_by_its_part_number()
    {
        var inner = new MimeMessage();
        inner.From.Add(MailboxAddress.Parse("carol@sniffer.test"));
        inner.Subject = "Forwarded";
        var innerBody = new BodyBuilder { TextBody = "inner text\r\n" };
        innerBody.Attachments.Add("report.pdf", MailServers.AttachmentBytes, new ContentType("application", "pdf"));
        inner.Body = innerBody.ToMessageBody();

        var outer = new MimeMessage();
        outer.From.Add(new MailboxAddress("Ålice Ünicode", "alice@sniffer.test"));
        outer.To.Add(MailboxAddress.Parse("bob@sniffer.test"));
        outer.Subject = "Nested";
        var alternative = new MultipartAlternative { new TextPart("plain") { Text = "plain text\r\n" }, new TextPart("html") { Text = "<p>html</p>\r\n" } };
        outer.Body = new Multipart("mixed") { alternative, new MessagePart { Message = inner } };
        byte[] wire = MailServers.WireBytes(outer);

        await using MailServers servers = await MailServers.StartAsync();
        servers.Store.Deliver("bob", wire);
        using var imap = new ImapClient();
        await imap.ConnectAsync("127.0.0.1", servers.Imap.EndPoint.Port, SecureSocketOptions.None);
        await imap.AuthenticateAsync("bob", "secret");
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        IMessageSummary summary = Assert.Single(await imap.Inbox.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.BodyStructure | MessageSummaryItems.Envelope));

        Assert.Equal("Ålice Ünicode", Assert.IsType<MailboxAddress>(Assert.Single(summary.Envelope!.From)).Name);
        var top = Assert.IsType<BodyPartMultipart>(summary.Body);
        var forwarded = Assert.IsType<BodyPartMessage>(top.BodyParts[1]);
        Assert.Equal("2", forwarded.PartSpecifier);
        Assert.Equal("Forwarded", forwarded.Envelope?.Subject);
        // MailKit stops its leaf list at the forwarded message; its own parts are numbered below it.
        var leaves = summary.BodyParts.Concat(forwarded.Body is BodyPartMultipart innerParts ? innerParts.BodyParts : [])
            .Where(part => part is not BodyPartMessage).ToDictionary(part => part.PartSpecifier);
        Assert.Equal(["1.1", "1.2", "2.1", "2.2"], leaves.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("plain text", await TextOf(imap, summary.UniqueId, leaves["1.1"]));
        Assert.Equal("<p>html</p>", await TextOf(imap, summary.UniqueId, leaves["1.2"]));
        Assert.Equal("inner text", await TextOf(imap, summary.UniqueId, leaves["2.1"]));
        var pdf = (MimePart)await imap.Inbox.GetBodyPartAsync(summary.UniqueId, leaves["2.2"]);
        using var decoded = new MemoryStream();
        await pdf.Content!.DecodeToAsync(decoded);
        Assert.Equal(MailServers.AttachmentBytes, decoded.ToArray());

        // BODY[2.HEADER] is the forwarded message's own header, byte for byte.
        using Stream header = await imap.Inbox.GetStreamAsync(summary.UniqueId, "2.HEADER");
        using var headerBytes = new MemoryStream();
        await header.CopyToAsync(headerBytes);
        byte[] innerWire = MailServers.WireBytes(inner);
        int innerHeaderEnd = innerWire.AsSpan().IndexOf("\r\n\r\n"u8) + 4;
        Assert.Equal(innerWire[..innerHeaderEnd], headerBytes.ToArray());
    }

    /// <summary>A text part's content, without the line end MailKit hands back in the local convention.</summary>
    private static async Task<string> TextOf(ImapClient imap, UniqueId uid, BodyPart part) =>
        ((TextPart)await imap.Inbox.GetBodyPartAsync(uid, part)).Text.TrimEnd('\r', '\n');
}
