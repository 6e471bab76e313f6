using System.Net;
using Xunit;

namespace Sniffer.Servers.Mail.Tests;

/// <summary>The bounds every test server keeps: loopback only, a connection cap, idle timeouts, line limits.</summary>
public sealed class ServerLimitsTests
{
    [Fact]
    public async Task Servers_refuse_to_listen_beyond_loopback_unless_allowed()
    {
        var store = new MailStore();
        await Assert.ThrowsAsync<ArgumentException>(() => SmtpTestServer.StartAsync(store, new SmtpTestServerOptions { Bind = IPAddress.Any }));
        await Assert.ThrowsAsync<ArgumentException>(() => ImapTestServer.StartAsync(store, new ImapTestServerOptions { Bind = IPAddress.IPv6Any }));
        await using ImapTestServer ipv6 = await ImapTestServer.StartAsync(store, new ImapTestServerOptions { Bind = IPAddress.IPv6Loopback });
        Assert.Equal(IPAddress.IPv6Loopback, ipv6.EndPoint.Address);
        Assert.NotEqual(0, ipv6.EndPoint.Port);
    }

    [Fact]
    public async Task A_connection_over_the_cap_is_told_the_server_is_busy()
    {
        await using MailServers servers = await MailServers.StartAsync(new SmtpTestServerOptions { MaxConnections = 1 }, new ImapTestServerOptions { MaxConnections = 1 });
        await using WireClient firstSmtp = await WireClient.ConnectAsync(servers.Smtp.EndPoint);
        Assert.StartsWith("220 ", await firstSmtp.ReadLineAsync());
        await using WireClient secondSmtp = await WireClient.ConnectAsync(servers.Smtp.EndPoint);
        Assert.Equal("421 4.3.2 mail.sniffer.test too many connections, try again later", await secondSmtp.ReadLineAsync());
        Assert.Null(await secondSmtp.ReadLineAsync());

        await using WireClient firstImap = await WireClient.ConnectAsync(servers.Imap.EndPoint);
        Assert.StartsWith("* OK ", await firstImap.ReadLineAsync());
        await using WireClient secondImap = await WireClient.ConnectAsync(servers.Imap.EndPoint);
        Assert.Equal("* BYE Too many connections, try again later", await secondImap.ReadLineAsync());

        // The first connections are still served.
        await firstSmtp.SendAsync("NOOP\r\n");
        Assert.Equal("250 2.0.0 OK", await firstSmtp.ReadLineAsync());
    }

    [Fact]
    public async Task Idle_clients_are_told_why_and_disconnected()
    {
        TimeSpan idle = TimeSpan.FromMilliseconds(300);
        await using MailServers servers = await MailServers.StartAsync(new SmtpTestServerOptions { IdleTimeout = idle }, new ImapTestServerOptions { IdleTimeout = idle });
        await using WireClient smtp = await WireClient.ConnectAsync(servers.Smtp.EndPoint);
        Assert.StartsWith("220 ", await smtp.ReadLineAsync());
        Assert.Equal("421 4.4.2 mail.sniffer.test idle too long, closing connection", await smtp.ReadLineAsync());
        Assert.Null(await smtp.ReadLineAsync());

        await using WireClient imap = await WireClient.ConnectAsync(servers.Imap.EndPoint);
        Assert.StartsWith("* OK ", await imap.ReadLineAsync());
        Assert.Equal("* BYE Autologout; idle for too long", await imap.ReadLineAsync());
        Assert.Null(await imap.ReadLineAsync());
    }

    [Fact]
    public async Task An_over_long_imap_line_ends_the_connection_since_it_cannot_be_framed()
    {
        await using MailServers servers = await MailServers.StartAsync();
        await using WireClient imap = await WireClient.ConnectAsync(servers.Imap.EndPoint);
        Assert.StartsWith("* OK ", await imap.ReadLineAsync());
        await imap.SendAsync("A1 NOOP " + new string('x', 9000) + "\r\n");
        Assert.Equal("* BYE [TOOBIG] Command line too long", await imap.ReadLineAsync());
        Assert.Null(await imap.ReadLineAsync());
    }

    [Fact]
    public async Task Many_clients_at_once_each_get_their_own_mail()
    {
        await using MailServers servers = await MailServers.StartAsync();
        string[] users = ["alice", "bob", "carol"];
        await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            await using WireClient client = await WireClient.ConnectAsync(servers.Smtp.EndPoint);
            await client.ReadLineAsync();
            await client.SendAsync($"EHLO c{i}\r\nMAIL FROM:<x@else.test>\r\nRCPT TO:<{users[i % 3]}@sniffer.test>\r\nDATA\r\n");
            await client.ReadUntilAsync("354 ");
            await client.SendAsync($"Subject: {i}\r\n\r\nmail {i}\r\n.\r\nQUIT\r\n");
            await client.ReadUntilAsync("221 ");
        }));
        Assert.All(users, user => Assert.Equal(4, servers.Store.Snapshot(user, "INBOX").Messages.Count));
        // UIDs in each folder are unique and ascending.
        Assert.Equal([1u, 2u, 3u, 4u], servers.Store.Snapshot("bob", "INBOX").Messages.Select(message => message.Uid));
    }
}
