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

    /// <summary>
    /// True when a line of the message's own header section (up to its first blank line) is longer than
    /// <see cref="MaxLineBytes"/>, or when a header field of any header section — the message's, a part's after its
    /// boundary line, an attached message's — is folded over lines that add up to more. MimeKit grows a folded field
    /// continuation line by continuation line too: a 2 MB field of five-byte lines took 15 s. Body lines are not
    /// fields, however they look: an indented listing after an "Example:" line is text.
    /// </summary>
    /// <remarks>
    /// Which lines MimeKit will read as a header section follows from each section's Content-Type: only a multipart's
    /// boundary lines and a message/* body start one. A Content-Type this cannot judge from its first line (a comment,
    /// the type on a continuation line) counts as one that may hold sections, so a hostile message cannot hide a field
    /// from this look that MimeKit would still parse.
    /// </remarks>
    public static bool HasOverlongHeader(ReadOnlySpan<byte> message)
    {
        bool topLevel = true;
        bool inHeaderSection = true;
        bool maySectionStart = false; // just after a header section of a message/* body: its own header may follow
        BodyKind? declared = null; // what the Content-Type of the header section in progress says its body is
        long field = -1; // bytes of the field in progress, its continuation lines included; -1 when none
        while (!message.IsEmpty)
        {
            int end = message.IndexOf((byte)'\n');
            int length = end < 0 ? message.Length : end;
            ReadOnlySpan<byte> line = message[..length];
            if (topLevel && length > MaxLineBytes) return true;
            if (line.IsEmpty || line.SequenceEqual("\r"u8))
            {
                if (inHeaderSection)
                {
                    // RFC 2045 §5.2: a message without a Content-Type is text/plain; a part without one may be a
                    // digest's message/rfc822 (RFC 2046 §5.1.5).
                    BodyKind body = declared ?? (topLevel ? BodyKind.Leaf : BodyKind.Unknown);
                    // A single-part message holds no other header section: the rest is body, whatever it looks like.
                    if (topLevel && body == BodyKind.Leaf) return false;
                    maySectionStart = body is BodyKind.Message or BodyKind.Unknown;
                }
                else
                {
                    maySectionStart = false;
                }
                inHeaderSection = topLevel = false;
                declared = null;
                field = -1;
            }
            else if (inHeaderSection && line[0] is (byte)' ' or (byte)'\t')
            {
                if (field >= 0 && (field += length + 1) > MaxLineBytes) return true;
            }
            else
            {
                bool startsField = (inHeaderSection || maySectionStart) && StartsField(line);
                // RFC 2046 §5.1.1: a part's header section follows its boundary line ("--" boundary). Body text that
                // begins with "--" starts a section that ends at its first blank line: only its fields are counted.
                inHeaderSection = inHeaderSection || startsField || line.StartsWith("--"u8);
                maySectionStart = false;
                field = startsField ? length + 1 : -1;
                // Any Content-Type of a section that may hold sections decides for it, whichever MimeKit reads.
                if (startsField && (declared is null or BodyKind.Leaf) && ContentTypeOf(line) is { } kind) declared = kind;
            }
            if (end < 0) return false;
            message = message[(end + 1)..];
        }
        return false;
    }

    /// <summary>What a Content-Type field's first line says its body is; null for any other field.</summary>
    private static BodyKind? ContentTypeOf(ReadOnlySpan<byte> line)
    {
        const string name = "Content-Type:";
        if (line.Length < name.Length || !System.Text.Ascii.EqualsIgnoreCase(line[..name.Length], name)) return null;
        ReadOnlySpan<byte> value = line[name.Length..].TrimStart(" \t"u8);
        int slash = value.IndexOf((byte)'/');
        if (slash <= 0) return BodyKind.Unknown;
        ReadOnlySpan<byte> type = value[..slash].TrimEnd(" \t"u8);
        // RFC 2045 §5.1: type is a token; anything else (a comment, a quoted string) is left to MimeKit to read.
        if (type.IsEmpty || type.ContainsAnyExcept(TokenBytes)) return BodyKind.Unknown;
        if (System.Text.Ascii.EqualsIgnoreCase(type, "multipart"u8)) return BodyKind.Multipart;
        if (System.Text.Ascii.EqualsIgnoreCase(type, "message"u8)) return BodyKind.Message;
        return BodyKind.Leaf;
    }

    private static readonly System.Buffers.SearchValues<byte> TokenBytes = System.Buffers.SearchValues.Create(
        "!#$%&'*+-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ^_`abcdefghijklmnopqrstuvwxyz{|}~"u8);

    /// <summary>What a header section's body may hold, as its Content-Type says.</summary>
    private enum BodyKind
    {
        /// <summary>Content only (text/*, image/*…): no header section inside.</summary>
        Leaf,

        /// <summary>multipart/*: a header section after each boundary line.</summary>
        Multipart,

        /// <summary>message/*: the attached message's header section first.</summary>
        Message,

        /// <summary>Not judged from the first line: treated as possibly holding sections.</summary>
        Unknown,
    }

    /// <summary>field-name ":" (RFC 5322 §3.6.8: printable US-ASCII but the colon), looked for near the line's start only.</summary>
    private static bool StartsField(ReadOnlySpan<byte> line)
    {
        int colon = line[..Math.Min(line.Length, 256)].IndexOf((byte)':');
        return colon > 0 && !line[..colon].ContainsAnyExceptInRange((byte)33, (byte)126);
    }

    /// <summary>
    /// The message as the read-only stream MimeKit parses from: a window on its array when it has one (an IMAP
    /// literal, a built message), so a long message is not copied to read its header section or its parts.
    /// </summary>
    public static MemoryStream OpenRead(ReadOnlyMemory<byte> message) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(message, out ArraySegment<byte> segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(message.ToArray(), writable: false);

    public static string OverlongHeaderProblem => $"a header line or folded header field is longer than {MaxLineBytes} bytes: the message was not parsed";
}
