using System.Text;
using Xunit;

namespace Sniffer.Servers.Mail.Tests;

/// <summary>The SMTP server's behaviour on the wire, byte by byte, with a bare socket.</summary>
public sealed class SmtpWireTests
{
    [Fact]
    public async Task Pipelined_commands_in_one_write_are_answered_in_order()
    {
        await using MailServers servers = await MailServers.StartAsync();
        await using WireClient client = await GreetedAsync(servers);
        await client.SendAsync("EHLO client.test\r\n");
        List<string> ehlo = await client.ReadUntilAsync("250 ");
        Assert.Equal(["250-mail.sniffer.test greets client.test", "250-PIPELINING", "250-8BITMIME", "250-SIZE 10485760", "250-AUTH PLAIN LOGIN", "250 ENHANCEDSTATUSCODES"], ehlo);

        // RFC 2920: MAIL, both RCPTs and DATA in one write; the refused recipient does not stop the others.
        await client.SendAsync("MAIL FROM:<alice@sniffer.test>\r\nRCPT TO:<bob@sniffer.test>\r\nRCPT TO:<nobody@sniffer.test>\r\nRCPT TO:<carol@sniffer.test>\r\nDATA\r\n");
        Assert.Equal("250 2.1.0 Sender OK", await client.ReadLineAsync());
        Assert.Equal("250 2.1.5 Recipient OK", await client.ReadLineAsync());
        Assert.Equal("550 5.1.1 <nobody@sniffer.test>: Recipient address rejected", await client.ReadLineAsync());
        Assert.Equal("250 2.1.5 Recipient OK", await client.ReadLineAsync());
        Assert.StartsWith("354 ", await client.ReadLineAsync());
        await client.SendAsync("Subject: pipelined\r\n\r\nbody\r\n.\r\nQUIT\r\n");
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await client.ReadLineAsync());
        Assert.StartsWith("221 ", await client.ReadLineAsync());
        Assert.Null(await client.ReadLineAsync());

        Assert.Single(servers.Store.Snapshot("bob", "INBOX").Messages);
        Assert.Single(servers.Store.Snapshot("carol", "INBOX").Messages);
        Assert.Empty(servers.Store.Snapshot("alice", "Sent").Messages); // not authenticated: no Sent copy
    }

    [Fact]
    public async Task Dot_stuffed_lines_are_stored_without_the_added_dot()
    {
        await using MailServers servers = await MailServers.StartAsync();
        await using WireClient client = await GreetedAsync(servers);
        await StartDataAsync(client);
        // RFC 5321 §4.5.2: the client doubled each leading dot; a lone "." inside a line and ".." at the end survive.
        await client.SendAsync("Subject: dots\r\n\r\n..leading dot\r\n...two dots\r\nmiddle . dot\r\n..\r\n.\r\n");
        Assert.StartsWith("250 ", await client.ReadLineAsync());

        StoredMessage stored = Assert.Single(servers.Store.Snapshot("bob", "INBOX").Messages);
        Assert.Equal("Subject: dots\r\n\r\n.leading dot\r\n..two dots\r\nmiddle . dot\r\n.\r\n", Encoding.ASCII.GetString(stored.Raw.Span));
    }

    [Fact]
    public async Task A_dot_after_a_bare_line_feed_does_not_end_the_data()
    {
        await using MailServers servers = await MailServers.StartAsync();
        await using WireClient client = await GreetedAsync(servers);
        await StartDataAsync(client);
        // "\n.\r\n" is not CRLF.CRLF (RFC 5321 §4.1.1.4), so a smuggled second message stays inside the first.
        await client.SendAsync("Subject: one\r\n\r\nline\n.\r\nMAIL FROM:<x@evil.test>\r\n.\r\n");
        Assert.StartsWith("250 ", await client.ReadLineAsync());
        StoredMessage stored = Assert.Single(servers.Store.Snapshot("bob", "INBOX").Messages);
        Assert.EndsWith("line\n\r\nMAIL FROM:<x@evil.test>\r\n", Encoding.ASCII.GetString(stored.Raw.Span));
    }

    [Fact]
    public async Task An_over_long_command_line_gets_500_and_the_session_goes_on()
    {
        await using MailServers servers = await MailServers.StartAsync();
        await using WireClient client = await GreetedAsync(servers);
        // RFC 5321 §4.5.3.1.4: 512 octets at most, CRLF included.
        await client.SendAsync("NOOP " + new string('x', 600) + "\r\n");
        Assert.Equal("500 5.5.2 Line too long", await client.ReadLineAsync());
        await client.SendAsync("VRFY " + new string('y', 20000) + "\r\n");
        Assert.Equal("500 5.5.2 Line too long", await client.ReadLineAsync());
        await client.SendAsync("NOOP\r\n");
        Assert.Equal("250 2.0.0 OK", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Sizes_over_the_limit_get_552_declared_or_not()
    {
        await using MailServers servers = await MailServers.StartAsync(new SmtpTestServerOptions { MaxMessageSize = 1000 });
        await using WireClient client = await GreetedAsync(servers);
        await client.SendAsync("EHLO client.test\r\n");
        Assert.Contains("250-SIZE 1000", await client.ReadUntilAsync("250 "));
        await client.SendAsync("MAIL FROM:<alice@sniffer.test> SIZE=5000\r\n");
        Assert.Equal("552 5.3.4 Message size exceeds fixed maximum message size", await client.ReadLineAsync());

        await client.SendAsync("MAIL FROM:<alice@sniffer.test> SIZE=500 BODY=8BITMIME\r\nRCPT TO:<bob@sniffer.test>\r\nDATA\r\n");
        Assert.StartsWith("250 ", await client.ReadLineAsync());
        Assert.StartsWith("250 ", await client.ReadLineAsync());
        Assert.StartsWith("354 ", await client.ReadLineAsync());
        // The server reads to the end of the data before refusing (RFC 1870 §6), then is ready for the next command.
        await client.SendAsync("Subject: big\r\n\r\n" + string.Concat(Enumerable.Repeat(new string('z', 70) + "\r\n", 40)) + ".\r\nNOOP\r\n");
        Assert.Equal("552 5.3.4 Message size exceeds fixed maximum message size", await client.ReadLineAsync());
        Assert.Equal("250 2.0.0 OK", await client.ReadLineAsync());
        Assert.Empty(servers.Store.Snapshot("bob", "INBOX").Messages);
    }

    [Theory]
    [InlineData("MAIL FROM:<alice@sniffer.test>\r\n", "503 5.5.1 Send EHLO first")]
    [InlineData("EHLO c\r\nRCPT TO:<bob@sniffer.test>\r\n", "503 5.5.1 Need MAIL before RCPT")]
    [InlineData("EHLO c\r\nDATA\r\n", "503 5.5.1 Need MAIL before DATA")]
    [InlineData("EHLO c\r\nMAIL FROM:<alice@sniffer.test>\r\nDATA\r\n", "554 5.5.1 No valid recipients")]
    [InlineData("EHLO c\r\nMAIL FROM:<alice@sniffer.test>\r\nMAIL FROM:<alice@sniffer.test>\r\n", "503 5.5.1 Nested MAIL command")]
    [InlineData("EHLO c\r\nMAIL FROM:alice@sniffer.test\r\n", "501 5.5.4 Syntax: MAIL FROM:<address>")]
    [InlineData("EHLO c\r\nMAIL FROM:<a@sniffer.test> FOO=1\r\n", "555 5.5.4 MAIL parameter FOO not recognized")]
    [InlineData("EHLO c\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<dave@sniffer.test>\r\n", "550 5.1.1 <dave@sniffer.test>: Mailbox unavailable")]
    [InlineData("EHLO c\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<someone@elsewhere.test>\r\n", "550 5.7.1 <someone@elsewhere.test>: Relay access denied")]
    [InlineData("VRFY bob\r\n", "252 2.5.0 Cannot VRFY user, but will accept message and attempt delivery")]
    [InlineData("BDAT 10 LAST\r\n", "500 5.5.2 Command not recognized")]
    [InlineData("EHLO\r\n", "501 5.5.4 Syntax: EHLO hostname")]
    [InlineData("EHLO c\r\nAUTH CRAM-MD5\r\n", "504 5.5.4 Unrecognized authentication type")]
    public async Task Commands_out_of_sequence_or_malformed_get_the_rfc_reply(string commands, string lastReply)
    {
        await using MailServers servers = await MailServers.StartAsync();
        await using WireClient client = await GreetedAsync(servers);
        await client.SendAsync(commands + "NOOP\r\n");
        List<string> replies = await client.ReadUntilAsync("250 2.0.0 OK");
        Assert.Equal(lastReply, replies[^2]);
    }

    [Fact]
    public async Task Auth_plain_after_an_empty_challenge_and_auth_login_with_prompts()
    {
        await using MailServers servers = await MailServers.StartAsync(new SmtpTestServerOptions { RequireAuth = true });
        await using WireClient client = await GreetedAsync(servers);
        await client.SendAsync("EHLO c\r\n");
        await client.ReadUntilAsync("250 ");
        await client.SendAsync("MAIL FROM:<alice@sniffer.test>\r\n");
        Assert.Equal("530 5.7.0 Authentication required", await client.ReadLineAsync());

        await client.SendAsync("AUTH PLAIN\r\n");
        Assert.Equal("334 ", await client.ReadLineAsync());
        await client.SendAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes("\0alice\0wrong")) + "\r\n");
        Assert.Equal("535 5.7.8 Authentication credentials invalid", await client.ReadLineAsync());

        await client.SendAsync("AUTH LOGIN\r\n");
        Assert.Equal("334 VXNlcm5hbWU6", await client.ReadLineAsync());
        await client.SendAsync(Convert.ToBase64String("alice@sniffer.test"u8) + "\r\n");
        Assert.Equal("334 UGFzc3dvcmQ6", await client.ReadLineAsync());
        await client.SendAsync(Convert.ToBase64String("secret"u8) + "\r\n");
        Assert.Equal("235 2.7.0 Authentication successful", await client.ReadLineAsync());

        await client.SendAsync("AUTH PLAIN " + Convert.ToBase64String("\0alice\0secret"u8) + "\r\n");
        Assert.Equal("503 5.5.1 Already authenticated", await client.ReadLineAsync());
        await StartDataAfterEhloAsync(client);
        await client.SendAsync("Subject: authenticated\r\n\r\nhi\r\n.\r\n");
        Assert.StartsWith("250 ", await client.ReadLineAsync());
        Assert.Single(servers.Store.Snapshot("alice", "Sent").Messages);
    }

    [Fact]
    public async Task Postmaster_is_always_accepted_and_read_by_the_first_user()
    {
        await using MailServers servers = await MailServers.StartAsync();
        await using WireClient client = await GreetedAsync(servers);
        await client.SendAsync("HELO c\r\nMAIL FROM:<>\r\nRCPT TO:<Postmaster>\r\nDATA\r\n");
        await client.ReadUntilAsync("354 ");
        await client.SendAsync("Subject: bounce\r\n\r\nx\r\n.\r\n");
        Assert.StartsWith("250 ", await client.ReadLineAsync());
        Assert.Single(servers.Store.Snapshot("alice", "INBOX").Messages);
    }

    [Fact]
    public async Task A_cancelled_auth_exchange_gets_501()
    {
        await using MailServers servers = await MailServers.StartAsync();
        await using WireClient client = await GreetedAsync(servers);
        await client.SendAsync("EHLO c\r\n");
        await client.ReadUntilAsync("250 ");
        await client.SendAsync("AUTH LOGIN\r\n");
        Assert.StartsWith("334 ", await client.ReadLineAsync());
        await client.SendAsync("*\r\n");
        Assert.Equal("501 5.0.0 Authentication cancelled", await client.ReadLineAsync());
    }

    private static async Task<WireClient> GreetedAsync(MailServers servers)
    {
        WireClient client = await WireClient.ConnectAsync(servers.Smtp.EndPoint);
        Assert.Equal("220 mail.sniffer.test ESMTP Sniffer test server ready", await client.ReadLineAsync());
        return client;
    }

    private static async Task StartDataAsync(WireClient client)
    {
        await client.SendAsync("EHLO client.test\r\n");
        await client.ReadUntilAsync("250 ");
        await StartDataAfterEhloAsync(client);
    }

    private static async Task StartDataAfterEhloAsync(WireClient client)
    {
        await client.SendAsync("MAIL FROM:<alice@sniffer.test>\r\nRCPT TO:<bob@sniffer.test>\r\nDATA\r\n");
        Assert.StartsWith("250 ", await client.ReadLineAsync());
        Assert.StartsWith("250 ", await client.ReadLineAsync());
        Assert.StartsWith("354 ", await client.ReadLineAsync());
    }
}
