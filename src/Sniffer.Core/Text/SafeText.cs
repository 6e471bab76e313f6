using System.Text;

namespace Sniffer.Core.Text;

/// <summary>
/// Turns captured bytes into text that cannot act on a terminal: control characters, escape sequences and
/// invalid UTF-8 become visible escapes (<c>\x1b</c>, <c>\r</c>). Everything printed from a capture goes through here.
/// </summary>
public static class SafeText
{
    /// <summary>Decodes UTF-8 leniently and escapes control characters; cuts to <paramref name="maxChars"/> with "…".</summary>
    public static string FromBytes(ReadOnlySpan<byte> bytes, int maxChars = 4096)
    {
        // Printable ASCII, nearly every protocol line, is its own escape: one vectorised scan and one copy, where
        // the rune-by-rune path below costs a string per character (an IMAP server's every line goes through here).
        ReadOnlySpan<byte> shown = bytes.Length > maxChars ? bytes[..maxChars] : bytes;
        if (shown.IndexOfAnyExceptInRange((byte)' ', (byte)'~') < 0)
        {
            return shown.Length == bytes.Length ? Encoding.ASCII.GetString(shown) : string.Concat(Encoding.ASCII.GetString(shown), "…");
        }
        var builder = new StringBuilder(Math.Min(bytes.Length, maxChars) + 8);
        while (!bytes.IsEmpty && builder.Length < maxChars)
        {
            var status = Rune.DecodeFromUtf8(bytes, out Rune rune, out int consumed);
            if (status != System.Buffers.OperationStatus.Done)
            {
                builder.Append("\\x").Append(bytes[0].ToString("x2"));
                bytes = bytes[1..];
                continue;
            }
            AppendRune(builder, rune);
            bytes = bytes[consumed..];
        }
        if (!bytes.IsEmpty) builder.Append('…');
        return builder.ToString();
    }

    /// <summary>Escapes control characters in text that came from a capture (a parsed header value, a subject).</summary>
    public static string Escape(string text)
    {
        if (text.AsSpan().IndexOfAnyExceptInRange(' ', '~') < 0 || !NeedsEscaping(text)) return text;
        var builder = new StringBuilder(text.Length + 16);
        foreach (Rune rune in text.EnumerateRunes()) AppendRune(builder, rune);
        return builder.ToString();
    }

    private static bool NeedsEscaping(string text)
    {
        foreach (Rune rune in text.EnumerateRunes())
        {
            if (IsUnsafe(rune)) return true;
        }
        return false;
    }

    // C0 and C1 controls, DEL, and the bidirectional overrides that can disguise text (CVE-2021-42574).
    private static bool IsUnsafe(Rune rune) =>
        Rune.IsControl(rune) || rune.Value is >= 0x202A and <= 0x202E or >= 0x2066 and <= 0x2069;

    private static void AppendRune(StringBuilder builder, Rune rune)
    {
        if (!IsUnsafe(rune))
        {
            Span<char> utf16 = stackalloc char[2];
            builder.Append(utf16[..rune.EncodeToUtf16(utf16)]);
            return;
        }
        switch (rune.Value)
        {
            case '\r': builder.Append("\\r"); break;
            case '\n': builder.Append("\\n"); break;
            case '\t': builder.Append("\\t"); break;
            case < 0x100: builder.Append("\\x").Append(rune.Value.ToString("x2")); break;
            default: builder.Append("\\u").Append(rune.Value.ToString("x4")); break;
        }
    }
}
