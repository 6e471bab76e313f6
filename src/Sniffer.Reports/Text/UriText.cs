using System.Text;

namespace Sniffer.Reports.Text;

/// <summary>
/// Captured request targets as valid URIs (RFC 3986 §2): every character outside the unreserved and reserved
/// sets is percent-encoded as UTF-8, and a '%' not followed by two hex digits becomes "%25". Tools that check
/// HAR URLs (har-validator's "uri" format) accept the result, and it cannot break out of any quoting.
/// </summary>
public static class UriText
{
    private const string Allowed = "-._~:/?#[]@!$&'()*+,;=";

    /// <summary>In a host and port, '/', '?', '#' and '@' would end or split the authority (RFC 3986 §3.2), so they are encoded too.</summary>
    private const string AllowedInAuthority = "-._~:[]!$&'()*+,;=";

    public static string Escape(string text) => Escape(text, Allowed);

    public static string EscapeAuthority(string text) => Escape(text, AllowedInAuthority);

    private static string Escape(string text, string allowed)
    {
        var builder = new StringBuilder(text.Length + 16);
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsAsciiLetterOrDigit(c) || allowed.Contains(c) ||
                (c == '%' && i + 2 < text.Length && char.IsAsciiHexDigit(text[i + 1]) && char.IsAsciiHexDigit(text[i + 2])))
            {
                builder.Append(c);
                continue;
            }
            int length = Rune.TryGetRuneAt(text, i, out Rune rune) ? rune.EncodeToUtf8(utf8) : new Rune('\uFFFD').EncodeToUtf8(utf8);
            if (rune.Utf16SequenceLength == 2) i++;
            foreach (byte b in utf8[..length]) builder.Append('%').Append(b.ToString("X2"));
        }
        return builder.ToString();
    }
}
