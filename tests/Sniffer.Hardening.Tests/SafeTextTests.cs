using System.Text;
using Sniffer.Core.Text;

namespace Sniffer.Hardening.Tests;

/// <summary>
/// <see cref="SafeText"/> has a fast path for printable ASCII beside the rune-by-rune one: both must give the same
/// text, cut at the same place, and nothing that acts on a terminal may take the fast one.
/// </summary>
public sealed class SafeTextTests
{
    [Theory]
    [InlineData("A1 OK [READ-WRITE] SELECT completed", 1024, "A1 OK [READ-WRITE] SELECT completed")]
    [InlineData("0123456789", 4, "0123…")]
    [InlineData("0123", 4, "0123")]
    [InlineData("", 4, "")]
    [InlineData("tab\there", 64, "tab\\there")]
    [InlineData("del\u007f", 64, "del\\x7f")]
    [InlineData("esc\u001b[2J", 64, "esc\\x1b[2J")]
    [InlineData("caf\u00e9 \u202e", 64, "caf\u00e9 \\u202e")]
    [InlineData("ab\u001bcdef", 4, "ab\\x1b…")]
    public void Escapes_what_acts_on_a_terminal_and_cuts_at_the_limit(string text, int maxChars, string expected) =>
        Assert.Equal(expected, SafeText.FromBytes(Encoding.UTF8.GetBytes(text), maxChars));

    [Fact]
    public void Invalid_utf8_becomes_hex_escapes()
    {
        Assert.Equal("a\\xff\\xc3b", SafeText.FromBytes([(byte)'a', 0xFF, 0xC3, (byte)'b']));
        Assert.Equal("\\xf0\\x9f", SafeText.FromBytes([0xF0, 0x9F]));
    }

    [Fact]
    public void Characters_outside_the_basic_plane_are_kept_whole()
    {
        Assert.Equal("mail \U0001F4E7", SafeText.FromBytes(Encoding.UTF8.GetBytes("mail \U0001F4E7")));
        Assert.Equal("mail \U0001F4E7", SafeText.Escape("mail \U0001F4E7"));
    }

    [Fact]
    public void Random_bytes_never_come_out_with_a_control_character()
    {
        var random = new Random(11);
        byte[] bytes = new byte[256];
        for (int round = 0; round < 2000; round++)
        {
            random.NextBytes(bytes);
            // Half the rounds are mostly printable ASCII with a few hostile bytes, the fast path's near misses.
            if (round % 2 == 0)
            {
                for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)(' ' + bytes[i] % 95);
                bytes[random.Next(bytes.Length)] = (byte)random.Next(0, 32);
            }
            string text = SafeText.FromBytes(bytes, random.Next(1, 300));
            Assert.DoesNotContain(text.EnumerateRunes(), r => Rune.IsControl(r) || r.Value is >= 0x202A and <= 0x202E or >= 0x2066 and <= 0x2069);
        }
    }

    [Theory]
    [InlineData("plain ASCII stays the same instance")]
    public void Escape_returns_safe_text_itself(string text) => Assert.Same(text, SafeText.Escape(text));
}
