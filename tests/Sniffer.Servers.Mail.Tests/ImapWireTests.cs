using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace Sniffer.Servers.Mail.Tests;

/// <summary>The IMAP server's behaviour on the wire with a bare socket: literals, states, sections, flags.</summary>
public sealed class ImapWireTests
{
    private const string Message =
        "From: Carol <carol@sniffer.test>\r\nTo: bob@sniffer.test\r\nSubject: Two lines\r\nX-Note: folded\r\n value\r\n\r\nfirst line\r\nsecond line\r\n";

    [Fact]
    public async Task A_synchronising_literal_waits_for_the_continuation_and_its_command_lookalikes_stay_data()
    {
        await using MailServers servers = await MailServers.StartAsync();
        await using WireClient client = await LoggedInAsync(servers, "alice");
        byte[] literal = Encoding.ASCII.GetBytes("Subject: tricky\r\n\r\na1 LOGOUT\r\nA2 SELECT INBOX\r\n* BYE\r\n");

        await client.SendAsync($"A1 APPEND Drafts (\\Draft) {{{literal.Length}}}\r\n");
        // RFC 3501 §7.5: the server says "+" before the client may send the literal.
        Assert.StartsWith("+ ", await client.ReadLineAsync());
        await client.SendAsync([.. literal, .. "\r\n"u8]);
        string completion = (await client.ReadUntilAsync("A1 "))[^1];
        Assert.Matches(@"^A1 OK \[APPENDUID \d+ 1\] APPEND completed$", completion);
        await client.SendAsync("A3 NOOP\r\n");
        Assert.Equal("A3 OK NOOP completed", await client.ReadLineAsync());

        StoredMessage stored = Assert.Single(servers.Store.Snapshot("alice", "Drafts").Messages);
        Assert.Equal(literal, stored.Raw.ToArray());
        Assert.Contains(MailFlags.Draft, stored.Flags);
    }

    [Fact]
    public async Task A_non_synchronising_literal_is_read_without_a_continuation()
    {
        await using MailServers servers = await MailServers.StartAsync();
        await using WireClient client = await LoggedInAsync(servers, "alice");
        byte[] literal = Encoding.ASCII.GetBytes(Message);
        // RFC 7888: "{n+}" and the data in one write; the next command follows straight after.
        await client.SendAsync([.. Encoding.ASCII.GetBytes($"A1 APPEND INBOX {{{literal.Length}+}}\r\n"), .. literal, .. "\r\nA2 NOOP\r\n"u8]);
        Assert.Matches(@"^A1 OK \[APPENDUID \d+ 1\]", await client.ReadLineAsync());
        Assert.Equal("A2 OK NOOP completed", await client.ReadLineAsync());
        Assert.Equal(literal, Assert.Single(servers.Store.Snapshot("alice", "INBOX").Messages).Raw.ToArray());
    }

    [Fact]
    public async Task Literals_over_the_limit_are_refused()
    {
        await using MailServers servers = await MailServers.StartAsync(imapOptions: new ImapTestServerOptions { MaxLiteralSize = 100 });
        await using WireClient client = await LoggedInAsync(servers, "alice");
        await client.SendAsync("A1 APPEND INBOX {101}\r\n");
        Assert.Equal("A1 NO [TOOBIG] Literal too large", await client.ReadLineAsync());
        await client.SendAsync("A2 NOOP\r\n");
        Assert.Equal("A2 OK NOOP completed", await client.ReadLineAsync());
        // A non-synchronising literal is already on its way: the server says why and closes (RFC 7888 §4).
        await client.SendAsync("A3 APPEND INBOX {101+}\r\n" + new string('x', 101) + "\r\n");
        Assert.Equal("* BYE [TOOBIG] Literal too large", await client.ReadLineAsync());
        Assert.Null(await client.ReadLineAsync());
    }

    [Fact]
    public async Task Login_takes_quoted_and_literal_arguments()
    {
        await using MailServers servers = await MailServers.StartAsync();
        await using WireClient client = await GreetedAsync(servers);
        await client.SendAsync("A1 LOGIN {18}\r\n");
        Assert.StartsWith("+ ", await client.ReadLineAsync());
        await client.SendAsync("alice@sniffer.test \"sec\\\\ret\"\r\n");
        Assert.Equal("A1 NO [AUTHENTICATIONFAILED] Invalid credentials", await client.ReadLineAsync());
        await client.SendAsync("A2 LOGIN \"bob\" {6}\r\n");
        Assert.StartsWith("+ ", await client.ReadLineAsync());
        await client.SendAsync("secret\r\n");
        Assert.Equal($"A2 OK [CAPABILITY {ImapTestServer.Capabilities}] LOGIN completed", await client.ReadLineAsync());
        await client.SendAsync("A3 LOGIN bob secret\r\n");
        Assert.Equal("A3 BAD Already authenticated", await client.ReadLineAsync());
    }

    [Fact]
    public async Task A_client_that_keeps_failing_is_disconnected()
    {
        await using MailServers servers = await MailServers.StartAsync();
        await using WireClient client = await GreetedAsync(servers);
        for (int i = 1; i < 20; i++)
        {
            await client.SendAsync($"A{i} LOGIN bob wrong{i}\r\n");
            Assert.Equal($"A{i} NO [AUTHENTICATIONFAILED] Invalid credentials", await client.ReadLineAsync());
        }
        await client.SendAsync("A20 LOGIN bob secret\"\r\n");
        Assert.Equal("A20 BAD Unterminated quoted string", await client.ReadLineAsync());
        Assert.Equal("* BYE Too many bad commands or failed logins", await client.ReadLineAsync());
        Assert.Null(await client.ReadLineAsync());
    }

    [Fact]
    public async Task Authenticate_plain_asks_with_an_empty_continuation()
    {
        await using MailServers servers = await MailServers.StartAsync();
        await using WireClient client = await GreetedAsync(servers);
        await client.SendAsync("A1 AUTHENTICATE PLAIN\r\n");
        Assert.Equal("+ ", await client.ReadLineAsync());
        await client.SendAsync(Convert.ToBase64String("\0carol\0secret"u8) + "\r\n");
        Assert.StartsWith("A1 OK [CAPABILITY ", await client.ReadLineAsync());
    }

    [Theory]
    [InlineData("A1 SELECT INBOX", "A1 BAD SELECT needs authentication first")]
    [InlineData("A1 FETCH 1 FLAGS", "A1 BAD FETCH needs a selected mailbox")]
    [InlineData("A1 FROBNICATE", "A1 BAD Unknown command")]
    [InlineData("A1 NOOP extra\"", "A1 BAD Unterminated quoted string")]
    [InlineData("+ NOOP", "* BAD Invalid tag")]
    public async Task Commands_in_the_wrong_state_or_malformed_get_bad(string command, string reply)
    {
        await using MailServers servers = await MailServers.StartAsync();
        await using WireClient client = await GreetedAsync(servers);
        await client.SendAsync(command + "\r\n");
        Assert.Equal(reply, await client.ReadLineAsync());
    }

    [Fact]
    public async Task Sections_are_cut_from_the_stored_bytes_and_only_non_peek_fetches_set_seen()
    {
        await using MailServers servers = await MailServers.StartAsync();
        servers.Store.Deliver("bob", Encoding.ASCII.GetBytes(Message));
        await using WireClient client = await LoggedInAsync(servers, "bob");
        await client.SendAsync("A1 SELECT INBOX\r\n");
        List<string> select = await client.ReadUntilAsync("A1 ");
        Assert.Contains("* 1 EXISTS", select);
        Assert.Contains("* 1 RECENT", select);
        Assert.Contains("* OK [UIDNEXT 2] Predicted next UID", select);
        Assert.Equal("A1 OK [READ-WRITE] SELECT completed", select[^1]);

        Assert.Equal("Subject: Two lines\r\nX-Note: folded\r\n value\r\n\r\n",
            await FetchLiteralAsync(client, "A2", "1 (BODY.PEEK[HEADER.FIELDS (subject X-NOTE)])", "BODY[HEADER.FIELDS (subject X-NOTE)]"));
        Assert.Equal("From: Carol <carol@sniffer.test>\r\nTo: bob@sniffer.test\r\n\r\n",
            await FetchLiteralAsync(client, "A3", "1 (BODY.PEEK[HEADER.FIELDS.NOT (Subject X-Note)])", "BODY[HEADER.FIELDS.NOT (Subject X-Note)]"));
        Assert.Equal("first line\r\nsecond line\r\n", await FetchLiteralAsync(client, "A4", "1 BODY.PEEK[TEXT]", "BODY[TEXT]"));
        Assert.Equal("first line\r\nsecond line\r\n", await FetchLiteralAsync(client, "A5", "1 BODY.PEEK[1]", "BODY[1]"));
        Assert.Equal("Carol", await FetchLiteralAsync(client, "A6", "1 BODY.PEEK[]<6.5>", "BODY[]<6>"));
        Assert.DoesNotContain(MailFlags.Seen, servers.Store.Snapshot("bob", "INBOX").Messages[0].Flags);

        await client.SendAsync("A7 UID FETCH 1 (BODY[] FLAGS)\r\n");
        string header = (await client.ReadLineAsync())!;
        Assert.Equal($"* 1 FETCH (UID 1 BODY[] {{{Message.Length}}}", header);
        Assert.Equal(Message, Encoding.ASCII.GetString(await client.ReadBytesAsync(Message.Length)));
        Assert.Equal(@" FLAGS (\Seen \Recent))", await client.ReadLineAsync());
        Assert.Equal("A7 OK UID FETCH completed", await client.ReadLineAsync());
        Assert.Contains(MailFlags.Seen, servers.Store.Snapshot("bob", "INBOX").Messages[0].Flags);
    }

    [Fact]
    public async Task Envelope_and_bodystructure_describe_the_message()
    {
        await using MailServers servers = await MailServers.StartAsync();
        servers.Store.Deliver("bob", Encoding.ASCII.GetBytes(Message));
        await using WireClient client = await SelectedAsync(servers, "bob");
        await client.SendAsync("A2 FETCH 1 (ENVELOPE BODYSTRUCTURE RFC822.SIZE)\r\n");
        Assert.Equal(
            "* 1 FETCH (ENVELOPE (NIL \"Two lines\" ((\"Carol\" NIL \"carol\" \"sniffer.test\")) ((\"Carol\" NIL \"carol\" \"sniffer.test\")) " +
            "((\"Carol\" NIL \"carol\" \"sniffer.test\")) ((NIL NIL \"bob\" \"sniffer.test\")) NIL NIL NIL NIL) " +
            $"BODYSTRUCTURE (\"text\" \"plain\" NIL NIL NIL \"7BIT\" 25 2 NIL NIL NIL NIL) RFC822.SIZE {Message.Length})",
            await client.ReadLineAsync());
        Assert.Equal("A2 OK FETCH completed", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Search_combines_keys_and_uid_copy_answers_with_copyuid()
    {
        await using MailServers servers = await MailServers.StartAsync();
        servers.Store.Deliver("bob", Encoding.ASCII.GetBytes("From: alice@sniffer.test\r\nSubject: one\r\n\r\nx\r\n"));
        servers.Store.Deliver("bob", Encoding.ASCII.GetBytes(Message));
        servers.Store.Append("bob", "INBOX", Encoding.ASCII.GetBytes("From: dave@else.test\r\nSubject: three\r\n\r\nneedle\r\n"), [MailFlags.Seen]);
        await using WireClient client = await SelectedAsync(servers, "bob");

        Assert.Equal("* SEARCH 2 3", await SearchAsync(client, "A2", "SEARCH OR FROM carol BODY NEEDLE"));
        Assert.Equal("* SEARCH 1 2", await SearchAsync(client, "A3", "SEARCH UNSEEN"));
        Assert.Equal("* SEARCH 3", await SearchAsync(client, "A4", "UID SEARCH NOT (UNSEEN) 2:*"));
        Assert.Equal("* SEARCH 1", await SearchAsync(client, "A5", "SEARCH CHARSET UTF-8 SUBJECT \"ONE\""));
        Assert.Equal("* SEARCH", await SearchAsync(client, "A6", "SEARCH LARGER 100000"));

        await client.SendAsync("A7 UID COPY 2:3 Trash\r\n");
        Assert.Matches(new Regex(@"^A7 OK \[COPYUID \d+ 2:3 1:2\] UID COPY completed$"), await client.ReadLineAsync());
        Assert.Equal(2, servers.Store.Snapshot("bob", "Trash").Messages.Count);
        await client.SendAsync("A8 COPY 1 Archive\r\n");
        Assert.Equal("A8 NO [TRYCREATE] No such mailbox", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Examine_is_read_only_and_store_is_refused_there()
    {
        await using MailServers servers = await MailServers.StartAsync();
        servers.Store.Deliver("bob", Encoding.ASCII.GetBytes(Message));
        await using WireClient client = await LoggedInAsync(servers, "bob");
        await client.SendAsync("A1 EXAMINE INBOX\r\n");
        List<string> examine = await client.ReadUntilAsync("A1 ");
        Assert.Contains("* OK [PERMANENTFLAGS ()] No permanent flags in a read-only mailbox", examine);
        Assert.Equal("A1 OK [READ-ONLY] EXAMINE completed", examine[^1]);
        await client.SendAsync("A2 STORE 1 +FLAGS (\\Deleted)\r\nA3 FETCH 1 BODY[TEXT]\r\n");
        Assert.Equal("A2 NO [READ-ONLY] The mailbox is read-only", await client.ReadLineAsync());
        await client.ReadUntilAsync("A3 OK");
        Assert.Empty(servers.Store.Snapshot("bob", "INBOX").Messages[0].Flags);
    }

    [Fact]
    public async Task Store_and_expunge_report_flags_and_renumbered_messages()
    {
        await using MailServers servers = await MailServers.StartAsync();
        for (int i = 0; i < 3; i++) servers.Store.Deliver("bob", Encoding.ASCII.GetBytes(Message));
        await using WireClient client = await SelectedAsync(servers, "bob");
        await client.SendAsync("A2 STORE 1,3 +FLAGS (\\Deleted)\r\n");
        Assert.Equal(["* 1 FETCH (FLAGS (\\Deleted \\Recent))", "* 3 FETCH (FLAGS (\\Deleted \\Recent))", "A2 OK STORE completed"], await client.ReadUntilAsync("A2 "));
        await client.SendAsync("A3 EXPUNGE\r\n");
        Assert.Equal(["* 3 EXPUNGE", "* 1 EXPUNGE", "A3 OK EXPUNGE completed"], await client.ReadUntilAsync("A3 "));
        await client.SendAsync("A4 UID STORE 2 FLAGS.SILENT (\\Seen)\r\nA5 FETCH 1 (UID FLAGS)\r\n");
        Assert.Equal(["A4 OK UID STORE completed", "* 1 FETCH (UID 2 FLAGS (\\Seen \\Recent))", "A5 OK FETCH completed"], await client.ReadUntilAsync("A5 "));
    }

    [Fact]
    public async Task Idle_pushes_exists_when_mail_arrives_and_ends_on_done()
    {
        await using MailServers servers = await MailServers.StartAsync();
        await using WireClient client = await SelectedAsync(servers, "bob");
        await client.SendAsync("A2 IDLE\r\n");
        Assert.Equal("+ idling", await client.ReadLineAsync());
        servers.Store.Deliver("bob@sniffer.test", Encoding.ASCII.GetBytes(Message));
        Assert.Equal("* 1 EXISTS", await client.ReadLineAsync());
        Assert.Equal("* 1 RECENT", await client.ReadLineAsync());
        await client.SendAsync("DONE\r\n");
        Assert.Equal("A2 OK IDLE terminated", await client.ReadLineAsync());
    }

    [Fact]
    public async Task List_matches_wildcards_and_an_empty_pattern_gives_the_delimiter()
    {
        await using MailServers servers = await MailServers.StartAsync();
        await using WireClient client = await LoggedInAsync(servers, "bob");
        await client.SendAsync("A1 LIST \"\" \"\"\r\nA2 LIST \"\" \"*r*\"\r\nA3 LSUB \"\" %\r\nA4 STATUS inbox (MESSAGES UIDNEXT UNSEEN)\r\n");
        Assert.Equal(["* LIST (\\Noselect) \"/\" \"\"", "A1 OK LIST completed"], await client.ReadUntilAsync("A1 "));
        Assert.Equal(["* LIST (\\HasNoChildren) \"/\" \"Drafts\"", "* LIST (\\HasNoChildren) \"/\" \"Trash\"", "A2 OK LIST completed"], await client.ReadUntilAsync("A2 "));
        Assert.Equal(5, (await client.ReadUntilAsync("A3 ")).Count);
        Assert.Equal(["* STATUS \"INBOX\" (MESSAGES 0 UIDNEXT 1 UNSEEN 0)", "A4 OK STATUS completed"], await client.ReadUntilAsync("A4 "));
    }

    [Fact]
    public async Task Logout_says_bye_then_completes_and_closes()
    {
        await using MailServers servers = await MailServers.StartAsync();
        await using WireClient client = await GreetedAsync(servers);
        await client.SendAsync("A1 LOGOUT\r\n");
        Assert.Equal("* BYE Sniffer IMAP test server logging out", await client.ReadLineAsync());
        Assert.Equal("A1 OK LOGOUT completed", await client.ReadLineAsync());
        Assert.Null(await client.ReadLineAsync());
    }

    private static async Task<string> FetchLiteralAsync(WireClient client, string tag, string arguments, string item)
    {
        await client.SendAsync($"{tag} FETCH {arguments}\r\n");
        string header = (await client.ReadLineAsync())!;
        Match match = Regex.Match(header, @"^\* 1 FETCH \((?<item>.+) \{(?<count>\d+)\}$");
        Assert.True(match.Success, header);
        Assert.Equal(item, match.Groups["item"].Value);
        string data = Encoding.ASCII.GetString(await client.ReadBytesAsync(int.Parse(match.Groups["count"].Value)));
        Assert.Equal(")", await client.ReadLineAsync());
        Assert.Equal($"{tag} OK FETCH completed", await client.ReadLineAsync());
        return data;
    }

    private static async Task<string> SearchAsync(WireClient client, string tag, string command)
    {
        await client.SendAsync($"{tag} {command}\r\n");
        List<string> lines = await client.ReadUntilAsync(tag + " ");
        Assert.StartsWith($"{tag} OK ", lines[^1]);
        return Assert.Single(lines, line => line.StartsWith("* SEARCH", StringComparison.Ordinal));
    }

    private static async Task<WireClient> GreetedAsync(MailServers servers)
    {
        WireClient client = await WireClient.ConnectAsync(servers.Imap.EndPoint);
        Assert.Equal($"* OK [CAPABILITY {ImapTestServer.Capabilities}] Sniffer IMAP test server ready", await client.ReadLineAsync());
        return client;
    }

    private static async Task<WireClient> LoggedInAsync(MailServers servers, string user)
    {
        WireClient client = await GreetedAsync(servers);
        await client.SendAsync($"L1 LOGIN {user} secret\r\n");
        Assert.StartsWith("L1 OK ", await client.ReadLineAsync());
        return client;
    }

    private static async Task<WireClient> SelectedAsync(MailServers servers, string user)
    {
        WireClient client = await LoggedInAsync(servers, user);
        await client.SendAsync("A1 SELECT INBOX\r\n");
        await client.ReadUntilAsync("A1 OK");
        return client;
    }
}
