using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Sniffer.Core.Dissection;
using Sniffer.Core.IO;
using Sniffer.Core.Records;
using Sniffer.Dissectors.Mail;
using Xunit;

namespace Sniffer.Dissectors.Smtp.Tests;

/// <summary>
/// The builder SMTP's DATA and IMAP's whole-message fetches share: what it keeps, hashes and parses must not depend
/// on how the bytes arrived, and a whole message handed over at once is kept without a copy when it can be.
/// </summary>
public sealed class MailMessageBuilderTests
{
    private static readonly byte[] Message = Encoding.ASCII.GetBytes(
        "From: a@example.org\r\nTo: b@example.org\r\nSubject: split\r\nMessage-ID: <m1@example.org>\r\n\r\n" +
        string.Concat(Enumerable.Repeat("body line of the message\r\n", 2000)));

    [Fact]
    public void Pieces_of_any_size_give_the_same_message()
    {
        MailMessage whole = BuildFrom([Message]);
        foreach (int piece in new[] { 1, 7, 1448, 65_536 })
        {
            var pieces = Message.Chunk(piece).ToArray();
            MailMessage split = BuildFrom(pieces);
            Assert.Equal(Message, split.Raw.ToArray());
            Assert.Equal(whole.Sha256, split.Sha256);
            Assert.Equal(whole.Md5, split.Md5);
            Assert.Equal("split", split.Summary.Subject);
        }
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Message)), whole.Sha256);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(Message)), whole.Md5);
    }

    [Fact]
    public void A_whole_message_in_one_exact_array_is_kept_without_a_copy()
    {
        using var builder = new MailMessageBuilder(DissectorSettings.Default, KeptBytesBudget.Unlimited);
        builder.AppendWhole(Message);
        MailMessage mail = builder.Build("imap", "1", flowId: 1, timeNs: 0, complete: true);
        Assert.True(MemoryMarshal.TryGetArray(mail.Raw, out ArraySegment<byte> kept));
        Assert.Same(Message, kept.Array);
        Assert.Equal("m1@example.org", mail.Summary.MessageId);
        Assert.Throws<InvalidOperationException>(() => builder.Append("more"u8));
    }

    [Fact]
    public void A_whole_message_in_part_of_an_array_is_copied_exactly()
    {
        byte[] larger = [.. Message, .. new byte[100]];
        using var builder = new MailMessageBuilder(DissectorSettings.Default, KeptBytesBudget.Unlimited);
        builder.AppendWhole(larger.AsMemory(0, Message.Length));
        MailMessage mail = builder.Build("imap", "1", flowId: 1, timeNs: 0, complete: true);
        Assert.True(MemoryMarshal.TryGetArray(mail.Raw, out ArraySegment<byte> kept));
        Assert.NotSame(larger, kept.Array);
        Assert.Equal(Message.Length, kept.Array!.Length);
        Assert.Equal(Message, mail.Raw.ToArray());
    }

    [Fact]
    public void A_whole_message_over_the_cap_is_cut_and_still_hashed_whole()
    {
        using var builder = new MailMessageBuilder(DissectorSettings.Default with { MaxMessageBytes = 1000 }, KeptBytesBudget.Unlimited);
        builder.AppendWhole(Message);
        MailMessage mail = builder.Build("imap", "1", flowId: 1, timeNs: 0, complete: true);
        Assert.Equal(1000, mail.Raw.Length);
        Assert.True(mail.Truncated);
        Assert.Equal(Message.Length, mail.Size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Message)), mail.Sha256);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(Message)), mail.Md5);
    }

    [Fact]
    public void A_message_cut_at_the_cap_in_pieces_has_the_MD5_of_every_byte()
    {
        // The MD5 is hashed from the kept bytes at the end unless the cap cut some off: then from the cut on, with the
        // piece that crosses the cap split between what was kept and what was not.
        foreach (int piece in new[] { 1, 7, 999, 1000, 1001, 1448 })
        {
            using var builder = new MailMessageBuilder(DissectorSettings.Default with { MaxMessageBytes = 1000 }, KeptBytesBudget.Unlimited);
            foreach (byte[] chunk in Message.Chunk(piece)) builder.Append(chunk);
            MailMessage cut = builder.Build("smtp", "1", flowId: 1, timeNs: 0, complete: true);
            Assert.Equal((piece, 1000), (piece, cut.Raw.Length));
            Assert.Equal((piece, Convert.ToHexStringLower(MD5.HashData(Message))), (piece, cut.Md5));
        }
    }

    [Fact]
    public void The_cap_and_the_shared_budget_each_name_themselves_as_the_reason_a_message_was_cut()
    {
        using var capped = new MailMessageBuilder(DissectorSettings.Default with { MaxMessageBytes = 1000 }, KeptBytesBudget.Unlimited);
        capped.Append(Message);
        MailMessage cut = capped.Build("smtp", "1", flowId: 1, timeNs: 0, complete: true);
        Assert.Equal((MailAnomalyKinds.MessageTooLarge, $"message 1: kept 1000 of {Message.Length} bytes"), capped.Truncation(cut));

        var budget = new KeptBytesBudget(2048);
        using var starved = new MailMessageBuilder(DissectorSettings.Default, budget);
        starved.Append(Message);
        MailMessage partial = starved.Build("smtp", "2", flowId: 1, timeNs: 0, complete: true);
        Assert.True(partial.Truncated);
        Assert.Equal(Message.Length, partial.Size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Message)), partial.Sha256);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(Message)), partial.Md5);
        (string kind, string detail) = starved.Truncation(partial)!.Value;
        Assert.Equal(AnomalyKinds.KeptBytesLimit, kind);
        Assert.StartsWith($"message 2: kept {partial.Raw.Length} of {Message.Length} bytes; ", detail);
        Assert.Equal(0, budget.HeldBytes);

        using var whole = new MailMessageBuilder(DissectorSettings.Default, KeptBytesBudget.Unlimited);
        whole.Append(Message);
        Assert.Null(whole.Truncation(whole.Build("smtp", "3", flowId: 1, timeNs: 0, complete: true)));
    }

    private static MailMessage BuildFrom(IEnumerable<byte[]> pieces, MessageSummaryCache? summaries = null)
    {
        using var builder = new MailMessageBuilder(DissectorSettings.Default, KeptBytesBudget.Unlimited, summaries);
        foreach (byte[] piece in pieces) builder.Append(piece);
        return builder.Build("smtp", "1", flowId: 1, timeNs: 0, complete: true);
    }

    [Fact]
    public void A_message_seen_again_takes_the_summary_it_had()
    {
        var summaries = new MessageSummaryCache();
        MailMessage submitted = BuildFrom(Message.Chunk(1448), summaries);
        MailMessage fetched = BuildWhole(Message, summaries);
        MailMessage other = BuildWhole(Encoding.ASCII.GetBytes("Subject: other\r\n\r\nbody\r\n"), summaries);
        Assert.Same(submitted.Summary, fetched.Summary);
        Assert.Equal("other", other.Summary.Subject);
        // The MD5 comes with the summary, hashed once when the message was first parsed.
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(Message)), fetched.Md5);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData("Subject: other\r\n\r\nbody\r\n"u8)), other.Md5);
        Assert.Equal((2, 1), summaries.Counts);
    }

    [Fact]
    public void A_message_cut_at_the_cap_is_parsed_for_itself()
    {
        // Its hash covers bytes it does not keep, so it names no summary of what was kept.
        var summaries = new MessageSummaryCache();
        BuildWhole(Message, summaries);
        using var builder = new MailMessageBuilder(DissectorSettings.Default with { MaxMessageBytes = 1000 }, KeptBytesBudget.Unlimited, summaries);
        builder.AppendWhole(Message);
        MailMessage cut = builder.Build("imap", "2", flowId: 1, timeNs: 0, complete: true);
        Assert.Equal((1, 0), summaries.Counts);
        Assert.Equal("split", cut.Summary.Subject);
    }

    [Fact]
    public void The_cache_holds_summaries_of_at_most_its_bound_in_message_bytes_oldest_out_first()
    {
        byte[][] messages = Enumerable.Range(0, 5).Select(i => Encoding.ASCII.GetBytes($"Subject: {i}\r\n\r\n{new string('x', 1000)}\r\n")).ToArray();
        var summaries = new MessageSummaryCache(maxMessageBytes: 3 * messages[0].Length);
        foreach (byte[] message in messages) BuildWhole(message, summaries);
        Assert.InRange(summaries.HeldBytes, 1, summaries.MaxMessageBytes);
        BuildWhole(messages[4], summaries);
        Assert.Equal(1, summaries.Counts.Reused);
        BuildWhole(messages[0], summaries);
        Assert.Equal((6, 1), summaries.Counts);

        // A message larger than the whole bound is parsed but never held.
        var small = new MessageSummaryCache(maxMessageBytes: 100);
        BuildWhole(Message, small);
        BuildWhole(Message, small);
        Assert.Equal(((2L, 0L), 0L), (small.Counts, small.HeldBytes));
    }

    [Fact]
    public void Tiny_messages_each_count_an_entry_so_the_cache_holds_a_bounded_number()
    {
        // 10,000 distinct messages of about 20 bytes: 200 KB of messages, but 10,000 summaries.
        var summaries = new MessageSummaryCache(maxMessageBytes: 100 * (MessageSummaryCache.EntryOverheadBytes + 32));
        for (int i = 0; i < 10_000; i++) BuildWhole(Encoding.ASCII.GetBytes($"Subject: {i}\r\n\r\nx\r\n"), summaries);
        Assert.InRange(summaries.HeldBytes, 99 * MessageSummaryCache.EntryOverheadBytes, summaries.MaxMessageBytes);
        // About the 100 newest are held: the last one is, the 200th from the end is not (counting bytes alone, the
        // cache would have held about 5,000).
        BuildWhole("Subject: 9999\r\n\r\nx\r\n"u8.ToArray(), summaries);
        BuildWhole("Subject: 9800\r\n\r\nx\r\n"u8.ToArray(), summaries);
        Assert.Equal((10_001L, 1L), summaries.Counts);
    }

    [Fact]
    public void Workers_sharing_a_cache_get_equal_summaries()
    {
        var summaries = new MessageSummaryCache();
        byte[][] messages = Enumerable.Range(0, 50).Select(i => Encoding.ASCII.GetBytes($"Subject: {i % 10}\r\nMessage-ID: <{i % 10}@x>\r\n\r\nbody\r\n")).ToArray();
        MailMessage[] built = new MailMessage[messages.Length];
        Parallel.For(0, messages.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => built[i] = BuildWhole(messages[i], summaries));
        for (int i = 0; i < messages.Length; i++) Assert.Equal($"{i % 10}@x", built[i].Summary.MessageId);
        (long parsed, long reused) = summaries.Counts;
        Assert.Equal(messages.Length, parsed + reused);
        Assert.InRange(parsed, 10, messages.Length);
    }

    private static MailMessage BuildWhole(byte[] message, MessageSummaryCache summaries)
    {
        using var builder = new MailMessageBuilder(DissectorSettings.Default, KeptBytesBudget.Unlimited, summaries);
        builder.AppendWhole(message);
        return builder.Build("imap", "1", flowId: 1, timeNs: 0, complete: true);
    }
}
