using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Sniffer.Core.Dissection;
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
        using var builder = new MailMessageBuilder(DissectorSettings.Default);
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
        using var builder = new MailMessageBuilder(DissectorSettings.Default);
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
        using var builder = new MailMessageBuilder(DissectorSettings.Default with { MaxMessageBytes = 1000 });
        builder.AppendWhole(Message);
        MailMessage mail = builder.Build("imap", "1", flowId: 1, timeNs: 0, complete: true);
        Assert.Equal(1000, mail.Raw.Length);
        Assert.True(mail.Truncated);
        Assert.Equal(Message.Length, mail.Size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Message)), mail.Sha256);
    }

    private static MailMessage BuildFrom(IEnumerable<byte[]> pieces)
    {
        using var builder = new MailMessageBuilder(DissectorSettings.Default);
        foreach (byte[] piece in pieces) builder.Append(piece);
        return builder.Build("smtp", "1", flowId: 1, timeNs: 0, complete: true);
    }
}
