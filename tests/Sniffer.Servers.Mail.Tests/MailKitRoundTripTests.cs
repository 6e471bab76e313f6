using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Search;
using MailKit.Security;
using MimeKit;
using Xunit;

namespace Sniffer.Servers.Mail.Tests;

/// <summary>MailKit's own SMTP and IMAP clients against the test servers, over real loopback sockets.</summary>
public sealed class MailKitRoundTripTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("PLAIN")]
    [InlineData("LOGIN")]
    public async Task Mail_sent_over_smtp_is_fetched_over_imap_byte_for_byte(string mechanism)
    {
        await using MailServers servers = await MailServers.StartAsync();
        MimeMessage sent = MailServers.SampleMessage($"Report via {mechanism}", to: ["bob@sniffer.test", "carol@sniffer.test"]);
        byte[] wire = MailServers.WireBytes(sent);

        using (var smtp = new SmtpClient())
        {
            await smtp.ConnectAsync("127.0.0.1", servers.Smtp.EndPoint.Port, SecureSocketOptions.None);
            Assert.True(smtp.Capabilities.HasFlag(SmtpCapabilities.Pipelining));
            Assert.True(smtp.Capabilities.HasFlag(SmtpCapabilities.EightBitMime));
            Assert.Equal(10 * 1024 * 1024, (int)smtp.MaxSize);
            Assert.Contains(mechanism, smtp.AuthenticationMechanisms);
            smtp.AuthenticationMechanisms.RemoveWhere(name => name != mechanism);
            await smtp.AuthenticateAsync("alice", "secret");
            string reply = await smtp.SendAsync(sent);
            Assert.Contains("queued as", reply);
            await smtp.DisconnectAsync(quit: true);
        }

        foreach (string reader in (string[])["bob", "carol@sniffer.test"])
        {
            using var imap = new ImapClient();
            await imap.ConnectAsync("127.0.0.1", servers.Imap.EndPoint.Port, SecureSocketOptions.None);
            await imap.AuthenticateAsync(reader, "secret");
            await imap.Inbox.OpenAsync(FolderAccess.ReadWrite);
            IList<UniqueId> found = await imap.Inbox.SearchAsync(SearchQuery.SubjectContains($"via {mechanism}"));
            UniqueId uid = Assert.Single(found);
            using Stream raw = await imap.Inbox.GetStreamAsync(uid);
            using var copy = new MemoryStream();
            await raw.CopyToAsync(copy);
            Assert.Equal(MailServers.Md5(wire), MailServers.Md5(copy.ToArray()));
            await imap.DisconnectAsync(quit: true);
        }

        // The authenticated sender keeps a copy in Sent.
        StoredMessage sentCopy = Assert.Single(servers.Store.Snapshot("alice", "Sent").Messages);
        Assert.Equal(MailServers.Md5(wire), MailServers.Md5(sentCopy.Raw.Span));
    }

    [Fact]
    public async Task A_message_of_several_megabytes_crosses_both_servers_intact()
    {
        await using MailServers servers = await MailServers.StartAsync();
        var bytes = new byte[4 * 1024 * 1024];
        new Random(6).NextBytes(bytes);
        var builder = new BodyBuilder { TextBody = "large attachment\r\n" };
        builder.Attachments.Add("large.bin", bytes);
        var sent = new MimeMessage { Subject = "Large", Body = builder.ToMessageBody() };
        sent.From.Add(MailboxAddress.Parse("alice@sniffer.test"));
        sent.To.Add(MailboxAddress.Parse("bob@sniffer.test"));

        using (var smtp = new SmtpClient())
        {
            await smtp.ConnectAsync("127.0.0.1", servers.Smtp.EndPoint.Port, SecureSocketOptions.None);
            await smtp.SendAsync(sent);
        }
        using var imap = await LoginAsync(servers, "bob");
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        using Stream raw = await imap.Inbox.GetStreamAsync(0);
        using var copy = new MemoryStream();
        await raw.CopyToAsync(copy);
        Assert.Equal(MailServers.Md5(MailServers.WireBytes(sent)), MailServers.Md5(copy.ToArray()));
    }

    [Fact]
    public async Task Envelope_bodystructure_and_a_body_part_come_from_the_stored_message()
    {
        await using MailServers servers = await MailServers.StartAsync();
        MimeMessage sent = MailServers.SampleMessage("Structure");
        servers.Store.Deliver("bob", MailServers.WireBytes(sent));

        using var imap = await LoginAsync(servers, "bob");
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        IMessageSummary summary = Assert.Single(await imap.Inbox.FetchAsync(0, -1,
            MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope | MessageSummaryItems.BodyStructure | MessageSummaryItems.Size | MessageSummaryItems.InternalDate));
        Assert.NotNull(summary.Envelope);
        Assert.Equal("Structure", summary.Envelope.Subject);
        Assert.Equal("alice@sniffer.test", Assert.IsType<MailboxAddress>(Assert.Single(summary.Envelope.From)).Address);
        Assert.Equal("alice@sniffer.test", Assert.IsType<MailboxAddress>(Assert.Single(summary.Envelope.Sender)).Address);
        Assert.Equal(sent.MessageId, summary.Envelope.MessageId);
        Assert.Equal(MailServers.WireBytes(sent).Length, (int)summary.Size!.Value);

        BodyPartBasic attachment = Assert.Single(summary.Attachments);
        Assert.Equal("data.bin", attachment.FileName);
        Assert.Equal("2", attachment.PartSpecifier);
        var part = (MimePart)await imap.Inbox.GetBodyPartAsync(summary.UniqueId, attachment);
        using var content = new MemoryStream();
        Assert.NotNull(part.Content);
        await part.Content.DecodeToAsync(content);
        Assert.Equal(MailServers.AttachmentBytes, content.ToArray());

        BodyPartText text = Assert.IsType<BodyPartText>(summary.TextBody);
        Assert.Equal("1", text.PartSpecifier);
        var textPart = (TextPart)await imap.Inbox.GetBodyPartAsync(summary.UniqueId, text);
        Assert.Contains(".a line that starts with a dot", textPart.Text);
    }

    [Fact]
    public async Task A_refused_recipient_fails_the_send_with_550_for_that_address()
    {
        await using MailServers servers = await MailServers.StartAsync();
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync("127.0.0.1", servers.Smtp.EndPoint.Port, SecureSocketOptions.None);
        MimeMessage message = MailServers.SampleMessage("Refused", to: ["bob@sniffer.test", "nobody@sniffer.test"]);

        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => smtp.SendAsync(message));

        Assert.Equal(SmtpErrorCode.RecipientNotAccepted, refused.ErrorCode);
        Assert.Equal(SmtpStatusCode.MailboxUnavailable, refused.StatusCode);
        Assert.Equal("nobody@sniffer.test", refused.Mailbox?.Address);
        // The connection is still usable for the next mail.
        await smtp.SendAsync(MailServers.SampleMessage("Accepted"));
        Assert.Equal("Accepted", MimeMessage.Load(new MemoryStream(servers.Store.Snapshot("bob", "INBOX").Messages.Single().Raw.ToArray())).Subject);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_by_both_servers()
    {
        await using MailServers servers = await MailServers.StartAsync();
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync("127.0.0.1", servers.Smtp.EndPoint.Port, SecureSocketOptions.None);
        await Assert.ThrowsAsync<AuthenticationException>(() => smtp.AuthenticateAsync("alice", "wrong"));
        using var imap = new ImapClient();
        await imap.ConnectAsync("127.0.0.1", servers.Imap.EndPoint.Port, SecureSocketOptions.None);
        await Assert.ThrowsAsync<AuthenticationException>(() => imap.AuthenticateAsync("alice", "wrong"));
    }

    [Fact]
    public async Task Flags_are_stored_and_deleted_mail_is_expunged()
    {
        await using MailServers servers = await MailServers.StartAsync();
        servers.Store.Deliver("bob", MailServers.WireBytes(MailServers.SampleMessage("Keep")));
        servers.Store.Deliver("bob", MailServers.WireBytes(MailServers.SampleMessage("Drop")));
        using var imap = await LoginAsync(servers, "bob");
        await imap.Inbox.OpenAsync(FolderAccess.ReadWrite);
        Assert.Equal(2, imap.Inbox.Count);
        Assert.Equal(2, imap.Inbox.Recent);

        UniqueId keep = Assert.Single(await imap.Inbox.SearchAsync(SearchQuery.SubjectContains("Keep")));
        UniqueId drop = Assert.Single(await imap.Inbox.SearchAsync(SearchQuery.SubjectContains("Drop")));
        await imap.Inbox.StoreAsync(keep, new StoreFlagsRequest(StoreAction.Add, MessageFlags.Flagged | MessageFlags.Seen));
        await imap.Inbox.StoreAsync(drop, new StoreFlagsRequest(StoreAction.Add, MessageFlags.Deleted));
        Assert.Equal([keep], await imap.Inbox.SearchAsync(SearchQuery.Flagged));
        Assert.Equal([drop], await imap.Inbox.SearchAsync(SearchQuery.NotSeen));
        Assert.Equal([keep], await imap.Inbox.SearchAsync(SearchQuery.Not(SearchQuery.Deleted)));

        await imap.Inbox.ExpungeAsync();

        Assert.Equal(1, imap.Inbox.Count);
        IMessageSummary left = Assert.Single(await imap.Inbox.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Flags));
        Assert.Equal(keep, left.UniqueId);
        Assert.Equal(MessageFlags.Flagged | MessageFlags.Seen, left.Flags!.Value & ~MessageFlags.Recent);
        Assert.Equal(["Keep"], servers.Store.Snapshot("bob", "INBOX").Messages.Select(m => MimeMessage.Load(new MemoryStream(m.Raw.ToArray())).Subject));
    }

    [Fact]
    public async Task Append_to_drafts_returns_the_uid_and_keeps_the_bytes()
    {
        await using MailServers servers = await MailServers.StartAsync();
        MimeMessage draft = MailServers.SampleMessage("Unfinished");
        using var imap = await LoginAsync(servers, "alice");
        IMailFolder drafts = await imap.GetFolderAsync("Drafts");

        UniqueId? uid = await drafts.AppendAsync(new AppendRequest(draft, MessageFlags.Draft));

        Assert.NotNull(uid);
        StoredMessage stored = Assert.Single(servers.Store.Snapshot("alice", "Drafts").Messages);
        Assert.Equal(stored.Uid, uid.Value.Id);
        Assert.Equal(MailServers.Md5(MailServers.WireBytes(draft)), MailServers.Md5(stored.Raw.Span));
        Assert.Contains(MailFlags.Draft, stored.Flags);
    }

    [Fact]
    public async Task Idle_hears_of_mail_delivered_over_smtp_meanwhile()
    {
        await using MailServers servers = await MailServers.StartAsync();
        using var imap = await LoginAsync(servers, "bob");
        await imap.Inbox.OpenAsync(FolderAccess.ReadWrite);
        Assert.Equal(0, imap.Inbox.Count);
        using var stopIdle = new CancellationTokenSource();
        using var guard = new CancellationTokenSource(Guard);
        var countSeen = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        imap.Inbox.CountChanged += (_, _) =>
        {
            countSeen.TrySetResult(imap.Inbox.Count);
            stopIdle.Cancel();
        };
        Task idle = imap.IdleAsync(stopIdle.Token, guard.Token);

        using (var smtp = new SmtpClient())
        {
            await smtp.ConnectAsync("127.0.0.1", servers.Smtp.EndPoint.Port, SecureSocketOptions.None, guard.Token);
            await smtp.SendAsync(MailServers.SampleMessage("While idling"), guard.Token);
            await smtp.DisconnectAsync(quit: true, guard.Token);
        }

        Assert.Equal(1, await countSeen.Task.WaitAsync(guard.Token));
        await idle;
        // After DONE the session is still usable.
        Assert.Single(await imap.Inbox.SearchAsync(SearchQuery.SubjectContains("While idling"), guard.Token));
    }

    [Fact]
    public async Task Folders_are_listed_and_their_status_read_without_selecting()
    {
        await using MailServers servers = await MailServers.StartAsync();
        servers.Store.Deliver("carol", MailServers.WireBytes(MailServers.SampleMessage("One", to: ["carol@sniffer.test"])));
        using var imap = await LoginAsync(servers, "carol");
        IList<IMailFolder> folders = await imap.GetFoldersAsync(imap.PersonalNamespaces[0]);
        Assert.Equal(["Drafts", "INBOX", "Sent", "Trash"], folders.Select(folder => folder.FullName).Order(StringComparer.Ordinal));
        await imap.Inbox.StatusAsync(StatusItems.Count | StatusItems.Unread | StatusItems.UidNext | StatusItems.UidValidity);
        Assert.Equal(1, imap.Inbox.Count);
        Assert.Equal(1, imap.Inbox.Unread);
        Assert.Equal(2u, imap.Inbox.UidNext!.Value.Id);
        Assert.Equal(servers.Store.Snapshot("carol", "INBOX").UidValidity, imap.Inbox.UidValidity);
    }

    private static async Task<ImapClient> LoginAsync(MailServers servers, string user)
    {
        var imap = new ImapClient();
        await imap.ConnectAsync("127.0.0.1", servers.Imap.EndPoint.Port, SecureSocketOptions.None);
        await imap.AuthenticateAsync(user, "secret");
        return imap;
    }
}
