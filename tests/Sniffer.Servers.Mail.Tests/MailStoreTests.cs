using System.Text;
using Xunit;

namespace Sniffer.Servers.Mail.Tests;

public sealed class MailStoreTests
{
    private static readonly byte[] Mail = Encoding.ASCII.GetBytes("Subject: s\r\n\r\nbody\r\n");

    [Theory]
    [InlineData("alice", true)]
    [InlineData("Alice@Sniffer.Test", true)]
    [InlineData("alice@elsewhere.test", false)]
    [InlineData("dave", false)]
    public void Logins_accept_the_local_part_or_the_full_address(string login, bool valid)
    {
        var store = new MailStore();
        Assert.Equal(valid, store.Authenticate(login, "secret", out string user));
        if (valid) Assert.Equal("alice", user);
        Assert.False(store.Authenticate(login, "Secret", out _));
    }

    [Fact]
    public void Every_user_has_the_four_folders_with_distinct_uidvalidity()
    {
        var store = new MailStore();
        Assert.Equal(["alice", "bob", "carol"], store.Users);
        Assert.Equal(["INBOX", "Sent", "Drafts", "Trash"], store.FoldersOf("bob"));
        Assert.Equal("Drafts", store.FindFolder("bob", "drafts"));
        Assert.Null(store.FindFolder("bob", "Archive"));
        uint[] validities = store.Users.SelectMany(user => store.FoldersOf(user).Select(folder => store.Snapshot(user, folder).UidValidity)).ToArray();
        Assert.Equal(validities.Length, validities.Distinct().Count());
    }

    [Fact]
    public void Delivery_keeps_the_bytes_assigns_ascending_uids_and_raises_an_event()
    {
        var store = new MailStore();
        var arrivals = new List<(string, string)>();
        store.MessageArrived += (_, e) => arrivals.Add((e.User, e.Folder));
        byte[] raw = [.. Mail];

        StoredMessage first = store.Deliver("bob@sniffer.test", raw);
        raw[0] = (byte)'X'; // the store kept its own copy
        StoredMessage second = store.Append("bob", "drafts", Mail, [@"\draft", @"\Recent", "$Label"], new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(1)));

        Assert.Equal(Mail, first.Raw.ToArray());
        Assert.Equal(1u, first.Uid);
        Assert.Equal(1u, second.Uid);
        Assert.Equal(["$Label", MailFlags.Draft], second.Flags.Order(StringComparer.Ordinal));
        Assert.Equal(TimeSpan.FromHours(1), second.InternalDate.Offset);
        Assert.Equal([("bob", "INBOX"), ("bob", "Drafts")], arrivals);
        Assert.Throws<ArgumentException>(() => store.Deliver("dave@sniffer.test", Mail));
    }

    [Fact]
    public async Task A_full_store_refuses_mail_with_452_over_smtp_and_overquota_over_imap()
    {
        var store = new MailStore(capacity: Mail.Length);
        store.Deliver("bob", Mail);
        Assert.Throws<MailStoreFullException>(() => store.Deliver("carol", Mail));

        await using SmtpTestServer smtp = await SmtpTestServer.StartAsync(store, new SmtpTestServerOptions());
        await using WireClient client = await WireClient.ConnectAsync(smtp.EndPoint);
        await client.ReadLineAsync();
        await client.SendAsync("HELO c\r\nMAIL FROM:<x@else.test>\r\nRCPT TO:<carol@sniffer.test>\r\nDATA\r\n");
        await client.ReadUntilAsync("354 ");
        await client.SendAsync("Subject: s\r\n\r\nbody\r\n.\r\n");
        Assert.Equal("452 4.3.1 Insufficient system storage", await client.ReadLineAsync());

        await using ImapTestServer imap = await ImapTestServer.StartAsync(store, new ImapTestServerOptions());
        await using WireClient imapClient = await WireClient.ConnectAsync(imap.EndPoint);
        await imapClient.ReadLineAsync();
        await imapClient.SendAsync("A1 LOGIN bob secret\r\nA2 SELECT INBOX\r\nA3 COPY 1 Trash\r\n");
        Assert.Equal("A3 NO [OVERQUOTA] The mail store is full", (await imapClient.ReadUntilAsync("A3 "))[^1]);
        Assert.Empty(store.Snapshot("bob", "Trash").Messages);
    }
}
