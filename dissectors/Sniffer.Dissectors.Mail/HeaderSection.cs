namespace Sniffer.Dissectors.Mail;

/// <summary>
/// A cheap look at a message's header section before MimeKit parses it. MimeKit reads a header field by growing
/// it line by line, so a "field" of megabytes without a line break — a cut-short IMAP literal, a hostile DATA —
/// costs allocation quadratic in its length. RFC 5322 §2.1.1 caps lines at 998 characters; anything far past that
/// is no mail a client wrote, and is reported instead of parsed.
/// </summary>
public static class HeaderSection
{
    /// <summary>Header lines longer than this (64 times RFC 5322's limit) are not handed to MimeKit.</summary>
    public const int MaxLineBytes = 64 * 1024;

    /// <summary>True when a line of the header section (up to the first blank line) is longer than <see cref="MaxLineBytes"/>.</summary>
    public static bool HasOverlongLine(ReadOnlySpan<byte> message)
    {
        while (!message.IsEmpty)
        {
            int end = message.IndexOf((byte)'\n');
            if ((end < 0 ? message.Length : end) > MaxLineBytes) return true;
            if (end < 0) return false;
            ReadOnlySpan<byte> line = message[..end];
            if (line.IsEmpty || line.SequenceEqual("\r"u8)) return false;
            message = message[(end + 1)..];
        }
        return false;
    }

    /// <summary>
    /// The message as the read-only stream MimeKit parses from: a window on its array when it has one (an IMAP
    /// literal, a built message), so a long message is not copied to read its header section or its parts.
    /// </summary>
    public static MemoryStream OpenRead(ReadOnlyMemory<byte> message) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(message, out ArraySegment<byte> segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(message.ToArray(), writable: false);

    public static string OverlongLineProblem => $"a header line is longer than {MaxLineBytes} bytes: the message was not parsed";
}
