using System.Text;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Core.IO;
using Sniffer.Core.Records;
using Sniffer.Dissectors.Imap.Records;
using Sniffer.Dissectors.Imap.Tests.Support;
using Sniffer.Dissectors.Mail;
using Xunit;

namespace Sniffer.Dissectors.Imap.Tests;

public class GapAndLimitTests
{
    private const string Opening = "* OK ready\r\n";
    private const string Fetch = "a1 UID FETCH 3 BODY[]\r\n";
    private static readonly string Message = "Subject: gap\r\n\r\n" + new string('x', 84);

    [Fact]
    public void AGapInsideALiteralKeepsTheFramingAndMarksTheMessageIncomplete()
    {
        var driver = new ConversationDriver()
            .Server(Opening).Client(Fetch)
            .Server("* 1 FETCH (UID 3 BODY[] {100}\r\n" + Message[..40]);
        driver.Gap(Direction.ServerToClient, 30);
        driver.Server(Message[70..] + ")\r\na1 OK done\r\n").EndBoth();

        ImapMessageTransfer transfer = Assert.Single(driver.Records<ImapMessageTransfer>());
        Assert.False(transfer.Complete);
        Assert.Equal((100, 70), (transfer.Size, transfer.CapturedBytes));
        MailMessage mail = Assert.Single(driver.Records<MailMessage>());
        Assert.False(mail.Complete);
        Assert.Equal("gap", mail.Subject);
        Assert.Equal(["imap_literal_gap"], driver.Anomalies.Select(a => a.Kind));
        Assert.Equal("OK", Assert.Single(driver.Records<ImapCommandRecord>()).Status);
    }

    [Fact]
    public void AGapPastALiteralsEndResynchronisesAtTheNextResponse()
    {
        var driver = new ConversationDriver()
            .Server(Opening).Client(Fetch)
            .Server("* 1 FETCH (UID 3 BODY[] {100}\r\n" + Message[..40]);
        driver.Gap(Direction.ServerToClient, 200);
        driver.Server("ing that was lost)\r\n* 2 EXISTS\r\na1 OK done\r\n").EndBoth();

        ImapMessageTransfer transfer = Assert.Single(driver.Records<ImapMessageTransfer>());
        Assert.False(transfer.Complete);
        Assert.Equal(40, transfer.CapturedBytes);
        Assert.Equal(["imap_line_gap", "imap_resynchronised"], driver.Anomalies.Select(a => a.Kind));
        ImapCommandRecord command = Assert.Single(driver.Records<ImapCommandRecord>());
        Assert.Equal(("a1", "OK"), (command.Tag, command.Status));
        Assert.Equal(2, driver.Records<ImapSession>().Single().Folders.Single().Exists);
    }

    [Fact]
    public void ALiteralOverTheLiteralCapIsCountedNotKept()
    {
        var driver = new ConversationDriver(settings: DissectorSettings.Default with { MaxLiteralBytes = 10 })
            .Server(Opening).Client(Fetch)
            .Server("* 1 FETCH (UID 3 BODY[] {100}\r\n" + Message + ")\r\na1 OK done\r\n").EndBoth();

        ImapMessageTransfer transfer = Assert.Single(driver.Records<ImapMessageTransfer>());
        Assert.True(transfer.Truncated);
        Assert.Equal((100, 100), (transfer.Size, transfer.CapturedBytes));
        Assert.Contains(driver.Anomalies, a => a.Kind == ImapAnomalyKinds.LiteralTooLarge);
    }

    [Fact]
    public void AWholeMessageOverTheMessageCapButWithinTheLiteralCapIsKeptWholeInTheTransferAndCutInTheMail()
    {
        var driver = new ConversationDriver(settings: DissectorSettings.Default with { MaxMessageBytes = 10 })
            .Server(Opening).Client(Fetch)
            .Server("* 1 FETCH (UID 3 BODY[] {100}\r\n" + Message + ")\r\na1 OK done\r\n").EndBoth();

        ImapMessageTransfer transfer = Assert.Single(driver.Records<ImapMessageTransfer>());
        Assert.False(transfer.Truncated);
        MailMessage mail = Assert.Single(driver.Records<MailMessage>());
        Assert.Equal((10, 100L), (mail.Raw.Length, mail.Size));
        // Both hashes cover all 100 bytes, the cut mail's too.
        string sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(Message)));
        Assert.Equal((sha256, sha256), (transfer.Sha256, mail.Sha256));
        Assert.Equal([MailAnomalyKinds.MessageTooLarge], driver.Anomalies.Select(a => a.Kind));
    }

    [Fact]
    public void SecretsAreShownOnlyWhenAsked()
    {
        foreach (bool show in new[] { false, true })
        {
            var driver = new ConversationDriver(settings: DissectorSettings.Default with { ShowSecrets = show })
                .Server(Opening).Client("l1 LOGIN {5+}\r\nalice {2+}\r\npw\r\n").Server("l1 OK in\r\n").EndBoth();
            ImapCommandRecord login = Assert.Single(driver.Records<ImapCommandRecord>());
            Assert.Equal("alice", login.Credentials!.UserName);
            Assert.Equal(show ? "pw" : ImapCredentials.Mask, login.Credentials.Secret);
            Assert.Equal(show ? "{5+} {2+}" : "{5+} " + ImapCredentials.Mask, login.Arguments);
        }
    }

    [Fact]
    public void LatencyRunsFromTheCommandsEndToItsCompletion()
    {
        var driver = new ConversationDriver().Server(Opening)
            .At(2_000_000_000).Client("n1 NOOP\r\n")
            .At(2_000_750_000).Server("n1 OK done\r\n").EndBoth();
        Assert.Equal(750_000, Assert.Single(driver.Records<ImapCommandRecord>()).LatencyNs);
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1)]
    public void AfterCompressTheInflatedStreamsAreDissected(int chunkSize)
    {
        using var clientDeflate = new Deflater();
        using var serverDeflate = new Deflater();
        var driver = new ConversationDriver(chunkSize)
            .Server(Opening).Client("z1 COMPRESS DEFLATE\r\n")
            // The OK and the first deflate bytes in one segment: the switch happens inside the buffer.
            .Send(Direction.ServerToClient, [.. "z1 OK DEFLATE active\r\n"u8, .. serverDeflate.Next("* OK still here\r\n")]);
        driver.Send(Direction.ClientToServer, clientDeflate.Next("z2 SELECT INBOX\r\n"))
            .Send(Direction.ServerToClient, serverDeflate.Next("* 3 EXISTS\r\nz2 OK [READ-WRITE] done\r\n"))
            .EndBoth();

        Assert.Equal(["z1 COMPRESS OK", "z2 SELECT OK"], driver.Records<ImapCommandRecord>().Select(c => $"{c.Tag} {c.Command} {c.Status}"));
        ImapSession session = Assert.Single(driver.Records<ImapSession>());
        Assert.True(session.Compressed);
        Assert.Equal((ImapState.Selected, 3L), (session.FinalState, session.Folders.Single().Exists!.Value));
    }

    [Theory]
    [InlineData(1024 * 1024, true)]
    [InlineData(100 * 1024, false)]
    public void COMPRESS_takes_its_inflaters_from_the_budget_and_gives_them_back(long budgetBytes, bool room)
    {
        var budget = new KeptBytesBudget(budgetBytes);
        using var clientDeflate = new Deflater();
        var driver = new ConversationDriver(keptBytesBudget: budget)
            .Server(Opening).Client("z1 COMPRESS DEFLATE\r\n").Server("z1 OK DEFLATE active\r\n");

        Assert.Equal(room ? 2 * 80 * 1024 : 0, budget.HeldBytes);
        Assert.Equal(room ? DissectStatus.Progress : DissectStatus.HandOff, driver.Statuses[^1]);
        Assert.Equal(!room, driver.Anomalies.Any(a => a.Kind == AnomalyKinds.KeptBytesLimit && a.Detail.StartsWith("no room to inflate after COMPRESS")));
        ((IDisposable)driver.Dissector).Dispose();
        Assert.Equal(0, budget.HeldBytes);
    }

    [Fact]
    public void ACompressedLiteralThatInflatesAThousandfoldIsReadAChunkAtATime()
    {
        const int literalLength = 16 * 1024 * 1024;
        using var clientDeflate = new Deflater();
        using var serverDeflate = new Deflater();
        var driver = new ConversationDriver(settings: DissectorSettings.Default with { MaxLiteralBytes = 1024 })
            .Server(Opening).Client("z1 COMPRESS DEFLATE\r\n").Server("z1 OK DEFLATE active\r\n");
        driver.Send(Direction.ClientToServer, clientDeflate.Next(Fetch));
        byte[] bomb = serverDeflate.Next($"* 1 FETCH (UID 3 BODY[] {{{literalLength}}}\r\n{new string('0', literalLength)})\r\na1 OK done\r\n");

        long before = GC.GetAllocatedBytesForCurrentThread();
        driver.Send(Direction.ServerToClient, bomb);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        driver.EndBoth();

        // Inflated whole before being read, the 16 MB would have been allocated at least once.
        Assert.True(allocated < 2 * 1024 * 1024, $"{allocated:N0} bytes allocated for {bomb.Length:N0} compressed bytes");
        ImapMessageTransfer transfer = Assert.Single(driver.Records<ImapMessageTransfer>());
        Assert.Equal((literalLength, (long)literalLength, true), (transfer.Size, transfer.CapturedBytes, transfer.Truncated));
        Assert.Contains(driver.Anomalies, a => a.Kind == ImapAnomalyKinds.LiteralTooLarge);
    }

    /// <summary>One direction's deflate stream, sync-flushed after every write as RFC 4978 §4 asks.</summary>
    private sealed class Deflater : IDisposable
    {
        private readonly MemoryStream _output = new();
        private readonly System.IO.Compression.DeflateStream _deflate;

        public Deflater() => _deflate = new System.IO.Compression.DeflateStream(_output, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true);

        public byte[] Next(string text)
        {
            long before = _output.Length;
            _deflate.Write(System.Text.Encoding.ASCII.GetBytes(text));
            _deflate.Flush();
            return _output.ToArray()[(int)before..];
        }

        public void Dispose() => _deflate.Dispose();
    }

    [Fact]
    public void AClientGapResynchronisesAtTheNextCommand()
    {
        var driver = new ConversationDriver().Server(Opening).Client("a1 APPEND Box {50}\r\nSubject: lost\r\n");
        driver.Gap(Direction.ClientToServer, 500);
        driver.Client("tail of something\r\na2 NOOP\r\n").Server("a1 OK appended\r\na2 OK noop\r\n").EndBoth();

        Assert.Equal(["a1 APPEND Box {50} -> OK", "a2 NOOP -> OK"],
            driver.Records<ImapCommandRecord>().Select(c => $"{c.Tag} {c.Command} {c.Arguments}".TrimEnd() + $" -> {c.Status}"));
        Assert.False(Assert.Single(driver.Records<ImapMessageTransfer>()).Complete);
    }

    [Fact]
    public void A_client_that_never_waits_has_its_oldest_commands_recorded_without_a_completion_past_a_thousand()
    {
        var driver = new ConversationDriver().Server(Opening)
            .Client(string.Concat(Enumerable.Range(1, 1500).Select(i => $"t{i} NOOP\r\n")))
            .Server("t1500 OK done\r\n").EndBoth();

        List<ImapCommandRecord> commands = driver.Records<ImapCommandRecord>().ToList();
        Assert.Equal(1500, commands.Count);
        Assert.Equal(Enumerable.Range(1, 1500).Select(i => $"t{i}"), commands.Select(c => c.Tag).OrderBy(t => int.Parse(t[1..])));
        Assert.All(commands.Take(500), c => Assert.Null(c.Status));
        Assert.Equal("OK", commands.Single(c => c.Tag == "t1500").Status);
        Anomaly limit = Assert.Single(driver.Anomalies, a => a.Kind == ImapAnomalyKinds.CommandLimit);
        Assert.Equal("more than 1000 commands awaiting completion: the oldest are recorded without one", limit.Detail);
    }

    [Fact]
    public void An_IDLE_keeps_ten_thousand_updates_and_counts_the_rest()
    {
        var driver = new ConversationDriver().Server(Opening)
            .Client("i1 IDLE\r\n").Server("+ idling\r\n")
            .Server(string.Concat(Enumerable.Range(1, 10_005).Select(i => $"* {i} EXISTS\r\n")))
            .Client("DONE\r\n").Server("i1 OK IDLE terminated\r\n").EndBoth();

        ImapCommandRecord idle = Assert.Single(driver.Records<ImapCommandRecord>());
        Assert.Equal(10_000, idle.IdleUpdates.Count);
        Assert.Equal("* 10000 EXISTS", idle.IdleUpdates[^1]);
        Assert.Equal(10_005, idle.UntaggedResponses);
        Assert.Contains(driver.Anomalies, a => a.Kind == ImapAnomalyKinds.CommandLimit && a.Detail.Contains("more than 10000 updates"));
    }

    [Fact]
    public void A_SEARCH_keeps_a_million_message_numbers_and_no_more()
    {
        string numbers = string.Join(' ', Enumerable.Repeat("7", 10_000));
        var driver = new ConversationDriver().Server(Opening)
            .Client("s1 SEARCH ALL\r\n")
            .Server(string.Concat(Enumerable.Repeat($"* SEARCH {numbers}\r\n", 101)) + "s1 OK done\r\n").EndBoth();

        ImapCommandRecord search = Assert.Single(driver.Records<ImapCommandRecord>());
        Assert.Equal(1_000_000, search.SearchResults.Count);
        Assert.Equal("OK", search.Status);
        Assert.Contains(driver.Anomalies, a => a.Kind == ImapAnomalyKinds.CommandLimit && a.Detail == "SEARCH s1 answered more than 1000000 message numbers: the rest are not kept");
    }

    [Fact]
    public void A_first_sync_of_a_large_mailbox_describes_each_message_once_and_finds_it_again_by_UID()
    {
        const int count = 50_000;
        var driver = new ConversationDriver().Server(Opening)
            .Client("a1 SELECT INBOX\r\n").Server($"* {count} EXISTS\r\na1 OK [READ-WRITE] done\r\n")
            .Client("a2 UID FETCH 1:* (FLAGS)\r\n")
            .Server(string.Concat(Enumerable.Range(1, count).Select(i => $"* {i} FETCH (UID {1000 + i} FLAGS ())\r\n")) + "a2 OK done\r\n")
            // Message 1 goes; the last one, fetched again by UID, is now number count - 1 (RFC 9051 §7.5.1).
            .Client("a3 EXPUNGE\r\n").Server("* 1 EXPUNGE\r\na3 OK done\r\n")
            .Client($"a4 UID FETCH {1000 + count} (FLAGS)\r\n").Server($"* {count - 1} FETCH (UID {1000 + count} FLAGS (\\Seen))\r\na4 OK done\r\n")
            .EndBoth();

        ImapFolder inbox = Assert.Single(driver.Records<ImapSession>().Single().Folders, f => f.Name == "INBOX");
        Assert.Equal(count, inbox.Messages.Count);
        ImapMessageSummary last = inbox.Messages[^1];
        Assert.Equal((count - 1L, 1000L + count), (last.SequenceNumber, last.Uid));
        Assert.Equal(["\\Seen"], last.Flags);
        Assert.True(inbox.Messages[0].Expunged);
        Assert.DoesNotContain(driver.Anomalies, a => a.Kind == ImapAnomalyKinds.CommandLimit);
    }

    [Fact]
    public void A_thousand_expunges_in_a_mailbox_of_five_thousand_keep_every_number_exact()
    {
        const int count = 5_000;
        var driver = SyncedInbox(count)
            // Messages 2..1001 go, one "* 2 EXPUNGE" each; message 1002 is number 2 afterwards (RFC 9051 §7.5.1).
            .Client("a3 EXPUNGE\r\n").Server(string.Concat(Enumerable.Repeat("* 2 EXPUNGE\r\n", 1000)) + "a3 OK done\r\n")
            .Client("a4 FETCH 2 (FLAGS)\r\n").Server("* 2 FETCH (FLAGS (\\Seen))\r\na4 OK done\r\n")
            .EndBoth();

        ImapFolder inbox = Inbox(driver);
        Assert.Equal(Enumerable.Range(2, 1000), inbox.Messages.Where(m => m.Expunged).Select(m => (int)m.Uid! - 1000));
        ImapMessageSummary moved = inbox.Messages.Single(m => m.Uid == 1000 + 1002);
        Assert.Equal(2L, moved.SequenceNumber);
        Assert.Equal(["\\Seen"], moved.Flags);
        Assert.Equal((long)count - 1000, inbox.Messages.Max(m => m.SequenceNumber));
        Assert.Equal(count - 1000, inbox.Exists);
        Assert.DoesNotContain(driver.Anomalies, a => a.Kind == ImapAnomalyKinds.CommandLimit);
    }

    [Fact]
    public void An_expunge_storm_keeps_every_number_exact()
    {
        // 19,000 "* 1 EXPUNGE" lines on 20,000 known messages: each moves every later message down by one (RFC 9051
        // §7.5.1), which a renumbering of every known message made 2·10^8 steps.
        const int count = 20_000, expunges = 19_000;
        var driver = SyncedInbox(count)
            .Client("a3 EXPUNGE\r\n").Server(string.Concat(Enumerable.Repeat("* 1 EXPUNGE\r\n", expunges)) + "a3 OK done\r\n")
            .Client("a4 FETCH 7 (FLAGS)\r\n").Server("* 7 FETCH (FLAGS (\\Seen))\r\na4 OK done\r\n")
            .EndBoth();

        ImapFolder inbox = Inbox(driver);
        Assert.Equal(Enumerable.Range(1, expunges), inbox.Messages.Where(m => m.Expunged).Select(m => (int)m.Uid! - 1000));
        Assert.All(inbox.Messages.Where(m => m.Expunged), m => Assert.Null(m.SequenceNumber));
        Assert.Equal(Enumerable.Range(1, count - expunges).Select(n => (long?)n),
            inbox.Messages.Where(m => !m.Expunged).OrderBy(m => m.Uid).Select(m => m.SequenceNumber));
        Assert.Equal(["\\Seen"], inbox.Messages.Single(m => m.Uid == 1000 + expunges + 7).Flags);
        Assert.Equal(count, inbox.Messages.Count);
        Assert.Equal(count - expunges, inbox.Exists);
        Assert.DoesNotContain(driver.Anomalies, a => a.Kind == ImapAnomalyKinds.CommandLimit);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Numbers_follow_a_server_that_fetches_and_expunges_at_random(int seed)
    {
        // The server's mailbox is the model: its list's index is the sequence number. The client learns of a random
        // few messages, in no order, while others are expunged, known or not.
        var random = new Random(seed);
        List<long> mailbox = Enumerable.Range(1, 3_000).Select(i => 1000L + i).ToList();
        var known = new HashSet<long>();
        var expunged = new HashSet<long>();
        var flagged = new HashSet<long>();
        var server = new StringBuilder();
        for (int step = 0; step < 6_000 && mailbox.Count > 0; step++)
        {
            int index = random.Next(mailbox.Count);
            long uid = mailbox[index];
            switch (random.Next(10))
            {
                case < 5:
                    server.Append($"* {index + 1} FETCH (UID {uid} FLAGS ())\r\n");
                    known.Add(uid);
                    flagged.Remove(uid);
                    break;
                case < 8:
                    server.Append($"* {index + 1} EXPUNGE\r\n");
                    mailbox.RemoveAt(index);
                    if (known.Contains(uid)) expunged.Add(uid);
                    break;
                default:
                    if (!known.Contains(uid)) break;
                    // No UID: the client must find the message by its number alone.
                    server.Append($"* {index + 1} FETCH (FLAGS (\\Flagged))\r\n");
                    flagged.Add(uid);
                    break;
            }
        }
        var driver = new ConversationDriver().Server(Opening)
            .Client("a1 SELECT INBOX\r\n").Server("* 3000 EXISTS\r\na1 OK [READ-WRITE] done\r\n")
            .Client("a2 NOOP\r\n").Server(server + "a2 OK done\r\n")
            .EndBoth();

        ImapFolder inbox = Inbox(driver);
        Assert.Equal(known.Order(), inbox.Messages.Select(m => m.Uid!.Value).Order());
        foreach (ImapMessageSummary message in inbox.Messages)
        {
            long uid = message.Uid!.Value;
            Assert.Equal(expunged.Contains(uid), message.Expunged);
            long? number = expunged.Contains(uid) ? null : mailbox.IndexOf(uid) + 1;
            Assert.Equal((uid, number), (uid, message.SequenceNumber));
            Assert.Equal((uid, flagged.Contains(uid)), (uid, message.Flags.Contains("\\Flagged")));
        }
        Assert.NotEmpty(expunged);
        Assert.DoesNotContain(driver.Anomalies, a => a.Kind == ImapAnomalyKinds.CommandLimit);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("4294967296")]
    public void A_number_outside_the_32_bit_range_names_no_message(string number)
    {
        // nz-number is a non-zero unsigned 32-bit integer (RFC 9051 §9); an EXPUNGE of such a number moves nothing.
        var driver = SyncedInbox(3)
            .Client("a3 FETCH 1:* (FLAGS)\r\n").Server($"* {number} FETCH (UID 77 FLAGS ())\r\na3 OK done\r\n")
            .Client("a4 EXPUNGE\r\n").Server($"* {number} EXPUNGE\r\na4 OK done\r\n")
            .EndBoth();

        ImapFolder inbox = Inbox(driver);
        Assert.Equal([(1L, 1001L), (2L, 1002L), (3L, 1003L), (null, 77L)], inbox.Messages.Select(m => (m.SequenceNumber, m.Uid)));
        Assert.DoesNotContain(inbox.Messages, m => m.Expunged);
    }

    [Fact]
    public void Untagged_data_go_to_the_command_that_asked_until_it_completes_then_to_the_oldest_pending()
    {
        // The owner of a kind of untagged response is remembered between lines, and must be forgotten when a command
        // completes: the second FETCH line belongs to a1, the oldest command still pending (RFC 9051 §7.5).
        var driver = new ConversationDriver().Server(Opening)
            .Client("a1 NOOP\r\na2 FETCH 1 (FLAGS)\r\n")
            .Server("* 1 FETCH (FLAGS ())\r\n* 1 FETCH (FLAGS ())\r\na2 OK done\r\n* 2 FETCH (FLAGS (\\Seen))\r\na1 OK done\r\n")
            .EndBoth();

        Assert.Equal([("a2", "FETCH", 2), ("a1", "NOOP", 1)],
            driver.Records<ImapCommandRecord>().Select(c => (c.Tag, c.Command, c.UntaggedResponses)));
    }

    [Fact]
    public void Data_behind_a_thousand_pending_commands_find_their_owner_and_tags_stay_counted()
    {
        string noops = string.Concat(Enumerable.Range(1, 998).Select(i => $"n{i} NOOP\r\n"));
        var driver = new ConversationDriver().Server(Opening)
            .Client(noops + "f1 FETCH 1:* (FLAGS)\r\nn5 NOOP\r\n")
            .Server(string.Concat(Enumerable.Range(1, 3_000).Select(i => $"* {i} FETCH (FLAGS ())\r\n")) + "f1 OK done\r\nn5 OK done\r\nn5 OK done\r\nn5 OK done\r\n")
            .EndBoth();

        ImapCommandRecord[] commands = driver.Records<ImapCommandRecord>().ToArray();
        Assert.Equal(3_000, commands.Single(c => c.Tag == "f1").UntaggedResponses);
        // n5 was pending twice: each completion takes the oldest, the third names no pending command.
        Assert.Equal(2, commands.Count(c => c.Tag == "n5" && c.Status == "OK"));
        Assert.Equal(ImapAnomalyKinds.DuplicateTag, Assert.Single(driver.Anomalies, a => a.Kind == ImapAnomalyKinds.DuplicateTag).Kind);
        Assert.Single(driver.Anomalies, a => a.Kind == ImapAnomalyKinds.UnknownTag);
        Assert.Equal(1_000, commands.Length);
    }

    [Theory]
    [InlineData("a2 NO [NONEXISTENT] no B\r\na1 OK [READ-WRITE] done\r\n", "(unknown)")]
    [InlineData("a1 OK [READ-WRITE] done\r\na2 NO [NONEXISTENT] no B\r\n", "(unknown)")]
    [InlineData("a2 OK [READ-WRITE] done\r\na1 OK [READ-WRITE] done\r\n", "B")]
    public void Pipelined_SELECTs_leave_selected_what_the_last_one_sent_says_whichever_completes_last(string completions, string fetchedInto)
    {
        // The server runs them in the order sent (RFC 9051 §5.5): B's outcome stands, and a refused SELECT leaves no
        // mailbox selected (§6.3.2), so the FETCH after it lands in no known mailbox. A once opened stays marked.
        var driver = new ConversationDriver().Server(Opening)
            .Client("a1 SELECT A\r\na2 SELECT B\r\n").Server(completions)
            .Client("a3 FETCH 1 (FLAGS)\r\n").Server("* 1 FETCH (UID 9 FLAGS ())\r\na3 OK done\r\n")
            .EndBoth();

        IReadOnlyList<ImapFolder> folders = driver.Records<ImapSession>().Single().Folders;
        Assert.True(folders.Single(f => f.Name == "A").Selected);
        Assert.Equal(fetchedInto == "B", folders.Single(f => f.Name == "B").Selected);
        Assert.Equal(9L, Assert.Single(folders.Single(f => f.Name == fetchedInto).Messages).Uid);
        Assert.Equal(3, driver.Records<ImapCommandRecord>().Count());
    }

    [Fact]
    public void A_message_with_a_new_UID_takes_its_number_from_the_message_that_held_it()
    {
        var driver = SyncedInbox(3)
            // The capture missed an EXPUNGE: number 1 is now a message of UID 99 (RFC 9051 §2.3.1.2: one number, one message).
            .Client("a3 FETCH 1 (UID FLAGS)\r\n").Server("* 1 FETCH (UID 99 FLAGS ())\r\na3 OK done\r\n")
            .Client("a4 FETCH 1 (FLAGS)\r\n").Server("* 1 FETCH (FLAGS (\\Flagged))\r\na4 OK done\r\n")
            .EndBoth();

        ImapFolder inbox = Inbox(driver);
        Assert.Equal([(null, 1001L, false), (2L, 1002L, false), (3L, 1003L, false), (1L, 99L, false)],
            inbox.Messages.Select(m => (m.SequenceNumber, m.Uid, m.Expunged)));
        Assert.Equal(["\\Flagged"], inbox.Messages.Single(m => m.Uid == 99).Flags);
        Assert.Empty(inbox.Messages.Single(m => m.Uid == 1001).Flags);
    }

    [Fact]
    public void A_long_line_arriving_a_few_bytes_at_a_time_is_read_whole()
    {
        // The tokenizer remembers how far it searched an unfinished line for its end rather than searching it again
        // from the start with every segment.
        string[] capabilities = ["IMAP4rev1", .. Enumerable.Range(1, 2_000).Select(i => $"X-CAP{i}")];
        var driver = new ConversationDriver(chunkSize: 7).Server(Opening)
            .Client("a1 CAPABILITY\r\n").Server($"* CAPABILITY {string.Join(' ', capabilities)}\r\na1 OK done\r\n")
            .EndBoth();

        Assert.Equal(capabilities, driver.Records<ImapSession>().Single().Capabilities);
        Assert.Equal("OK", driver.Records<ImapCommandRecord>().Single().Status);
    }

    [Fact]
    public void A_line_kept_going_with_empty_literals_is_too_long_like_any_other()
    {
        // Each "{0}" ends a physical line but not the logical one; its parts count as one line (64 KB by default).
        string endless = "* 1 FETCH (X {0}\r\n" + string.Concat(Enumerable.Repeat(" X {0}\r\n", 20_000)) + ")\r\n";
        var driver = new ConversationDriver().Server(Opening)
            .Client("a1 FETCH 1 (X)\r\n").Server(endless + "a1 OK done\r\n")
            .Client("a2 NOOP\r\n").Server("a2 OK done\r\n")
            .EndBoth();

        Assert.Contains(driver.Anomalies, a => a.Kind == ImapAnomalyKinds.LineTooLong && a.Detail == "s→c line longer than 65536 bytes");
        Assert.Equal([("FETCH", "OK"), ("NOOP", "OK")], driver.Records<ImapCommandRecord>().Select(c => (c.Command, c.Status)));
    }

    [Fact]
    public void The_literals_of_one_line_together_keep_at_most_what_one_literal_may()
    {
        // Finished literals wait for their line's end outside the kept-bytes budget: the line as a whole is capped.
        var settings = DissectorSettings.Default with { MaxLiteralBytes = 100_000 };
        string part = new('p', 40_000);
        var driver = new ConversationDriver(settings: settings).Server(Opening)
            .Client("a1 UID FETCH 3 (BODY[1] BODY[2] BODY[3])\r\n")
            .Server($"* 1 FETCH (UID 3 BODY[1] {{40000}}\r\n{part} BODY[2] {{40000}}\r\n{part} BODY[3] {{40000}}\r\n{part})\r\na1 OK done\r\n")
            .EndBoth();

        Assert.Equal([(40_000L, false), (40_000L, false), (40_000L, true)],
            driver.Records<ImapMessageTransfer>().Select(t => (t.Size, t.Truncated)));
    }

    [Fact]
    public void An_AUTHENTICATE_that_never_ends_keeps_sixteen_client_responses()
    {
        var driver = new ConversationDriver().Server(Opening).Client("a1 AUTHENTICATE PLAIN\r\n");
        for (int i = 0; i < 1_000; i++) driver.Server("+ \r\n").Client("AHVzZXIAcGFzcw==\r\n");
        driver.Server("a1 NO [AUTHENTICATIONFAILED] no\r\n").Client("a2 NOOP\r\n").Server("a2 OK done\r\n").EndBoth();

        Assert.Equal([("AUTHENTICATE", "NO", "user"), ("NOOP", "OK", null)],
            driver.Records<ImapCommandRecord>().Select(c => (c.Command, c.Status, c.Credentials?.UserName)));
        Assert.Contains(driver.Anomalies, a => a.Kind == ImapAnomalyKinds.CommandLimit
            && a.Detail == "AUTHENTICATE a1 went on for more than 16 client responses: the rest are not kept");
    }

    private static ConversationDriver SyncedInbox(int count) => new ConversationDriver().Server(Opening)
        .Client("a1 SELECT INBOX\r\n").Server($"* {count} EXISTS\r\na1 OK [READ-WRITE] done\r\n")
        .Client("a2 UID FETCH 1:* (FLAGS)\r\n")
        .Server(string.Concat(Enumerable.Range(1, count).Select(i => $"* {i} FETCH (UID {1000 + i} FLAGS ())\r\n")) + "a2 OK done\r\n");

    private static ImapFolder Inbox(ConversationDriver driver) =>
        Assert.Single(driver.Records<ImapSession>().Single().Folders, f => f.Name == "INBOX");

    [Fact]
    public void One_connection_describes_at_most_a_hundred_thousand_messages()
    {
        var driver = new ConversationDriver().Server(Opening)
            .Client("a1 SELECT INBOX\r\n").Server("a1 OK [READ-WRITE] done\r\n")
            .Client("a2 FETCH 1:* (FLAGS)\r\n")
            .Server(string.Concat(Enumerable.Range(1, 100_005).Select(i => $"* {i} FETCH (FLAGS ())\r\n")) + "a2 OK done\r\n")
            .EndBoth();

        Assert.Equal(100_000, driver.Records<ImapSession>().Single().Folders.Single(f => f.Name == "INBOX").Messages.Count);
        Assert.Contains(driver.Anomalies, a => a.Kind == ImapAnomalyKinds.CommandLimit && a.Detail.Contains("more than 100000 messages"));
        Assert.Equal("OK", driver.Records<ImapCommandRecord>().Single(c => c.Command == "FETCH").Status);
    }

    [Fact]
    public void Appended_messages_are_read_when_sent_not_held_until_their_completions()
    {
        string message = "Subject: appended\r\n\r\n" + new string('m', 100_000) + "\r\n";
        string append = $"a{{0}} APPEND INBOX {{{{{Encoding.ASCII.GetByteCount(message)}+}}}}\r\n{message}\r\n";
        var driver = new ConversationDriver().Server(Opening)
            .Client(string.Format(append, 1) + string.Format(append, 2) + string.Format(append, 3));

        // LITERAL+ (RFC 7888): three uploads sent without waiting, none completed yet, each already a message.
        Assert.Equal(3, driver.Records<MailMessage>().Count(m => m.Subject == "appended"));
        driver.Server("a1 OK done\r\na2 OK done\r\na3 NO [OVERQUOTA] full\r\n").EndBoth();
        Assert.Equal(["OK", "OK", "NO"], driver.Records<ImapCommandRecord>().Select(c => c.Status));
        Assert.Equal(3, driver.Records<ImapMessageTransfer>().Count(t => t.Origin == ImapTransferOrigin.Append && t.Complete));
    }
}
