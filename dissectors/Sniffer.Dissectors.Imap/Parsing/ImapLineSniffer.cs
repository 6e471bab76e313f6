using System.Text;

namespace Sniffer.Dissectors.Imap.Parsing;

/// <summary>Which direction's lines a tokenizer reads.</summary>
public enum ImapLineKind : byte
{
    Command,
    Response,
}

/// <summary>
/// Cheap recognisers for the start of an IMAP line: the factory's probe, and the resynchronising scan after a gap.
/// </summary>
public static class ImapLineSniffer
{
    private static readonly string[] Commands =
    [
        "CAPABILITY", "NOOP", "LOGOUT", "STARTTLS", "AUTHENTICATE", "LOGIN", "SELECT", "EXAMINE", "CREATE", "DELETE",
        "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "LIST", "LSUB", "NAMESPACE", "STATUS", "APPEND", "IDLE", "CHECK", "CLOSE",
        "UNSELECT", "EXPUNGE", "SEARCH", "FETCH", "STORE", "COPY", "MOVE", "UID", "ENABLE", "ID", "COMPRESS", "GETQUOTA",
        "GETQUOTAROOT", "SETQUOTA", "GETACL", "SETACL", "MYRIGHTS", "LISTRIGHTS", "GETMETADATA", "SETMETADATA", "SORT", "THREAD",
    ];

    private static readonly string[] StatusWords = ["OK", "NO", "BAD", "BYE", "PREAUTH"];

    /// <summary>
    /// True when <paramref name="line"/> (up to its end or a window of it) starts like a client command
    /// (<c>tag SP command</c>) or a server response (<c>* </c>, <c>+ </c> or <c>tag SP OK|NO|BAD</c>).
    /// </summary>
    public static bool StartsLine(ImapLineKind kind, ReadOnlySpan<byte> line)
    {
        if (!line.IsEmpty && line[^1] == (byte)'\r') line = line[..^1];
        if (kind == ImapLineKind.Response)
        {
            if (line.StartsWith("* "u8)) return line.Length > 2 && (char.IsAsciiLetterUpper((char)line[2]) || char.IsAsciiDigit((char)line[2]));
            if (line.StartsWith("+ "u8) || line.SequenceEqual("+"u8)) return true;
        }
        int space = line.IndexOf((byte)' ');
        if (space <= 0 || !IsTag(line[..space])) return false;
        ReadOnlySpan<byte> rest = line[(space + 1)..];
        int end = rest.IndexOf((byte)' ');
        ReadOnlySpan<byte> word = end < 0 ? rest : rest[..end];
        string[] words = kind == ImapLineKind.Command ? Commands : StatusWords;
        foreach (string candidate in words)
        {
            if (word.Length == candidate.Length && Ascii.EqualsIgnoreCase(word, candidate)) return true;
        }
        return false;
    }

    /// <summary>
    /// Status responses, greetings and continuation requests end in free text (RFC 9051 §7.1 resp-text), so a
    /// <c>{n}</c> at their end is prose, not a literal.
    /// </summary>
    internal static bool MayCarryLiteral(ReadOnlySpan<byte> firstLine)
    {
        if (firstLine.StartsWith("+"u8)) return false;
        int space = firstLine.IndexOf((byte)' ');
        if (space < 0) return true;
        ReadOnlySpan<byte> rest = firstLine[(space + 1)..];
        int end = rest.IndexOf((byte)' ');
        ReadOnlySpan<byte> word = end < 0 ? rest : rest[..end];
        foreach (string status in StatusWords)
        {
            if (word.Length == status.Length && Ascii.EqualsIgnoreCase(word, status)) return false;
        }
        return true;
    }

    /// <summary>A tag is one or more ASTRING-CHAR except "+" (RFC 9051 §9); "*" is not a tag.</summary>
    private static bool IsTag(ReadOnlySpan<byte> tag)
    {
        foreach (byte b in tag)
        {
            if (b <= 0x20 || b >= 0x7f || b is (byte)'(' or (byte)')' or (byte)'{' or (byte)'%' or (byte)'*' or (byte)'"' or (byte)'\\' or (byte)'+')
            {
                return false;
            }
        }
        return true;
    }
}
