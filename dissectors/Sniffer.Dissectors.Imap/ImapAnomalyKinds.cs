namespace Sniffer.Dissectors.Imap;

/// <summary>The anomaly kinds the IMAP dissector emits (stable snake_case names, "imap_" prefix).</summary>
public static class ImapAnomalyKinds
{
    /// <summary>A physical line longer than DissectorSettings.MaxLineBytes; the direction resynchronises after it.</summary>
    public const string LineTooLong = "imap_line_too_long";

    /// <summary>A literal larger than DissectorSettings.MaxLiteralBytes: the rest is counted, not kept.</summary>
    public const string LiteralTooLarge = "imap_literal_too_large";

    /// <summary>A gap inside a literal whose length was known: the literal is incomplete, the framing holds.</summary>
    public const string LiteralGap = "imap_literal_gap";

    /// <summary>A gap that lost a line boundary: the line in progress is cut short and the direction resynchronises.</summary>
    public const string LineGap = "imap_line_gap";

    /// <summary>Bytes skipped after a gap to reach the next command or response.</summary>
    public const string Resynchronised = "imap_resynchronised";

    /// <summary>A tagged completion whose tag no pending command carries (RFC 9051 §2.2.2).</summary>
    public const string UnknownTag = "imap_unknown_tag";

    /// <summary>A client line that is neither <c>tag SP command</c>, a SASL response nor DONE.</summary>
    public const string MalformedCommand = "imap_malformed_command";

    /// <summary>A server line that is neither untagged, a continuation nor a tagged completion.</summary>
    public const string MalformedResponse = "imap_malformed_response";

    /// <summary>Two pending commands share a tag, so their completions cannot be told apart (RFC 9051 §2.2.1).</summary>
    public const string DuplicateTag = "imap_duplicate_tag";

    /// <summary>After COMPRESS=DEFLATE (RFC 4978) a gap or bad deflate data: the rest of the connection cannot be inflated.</summary>
    public const string CompressedStreamLost = "imap_compressed_stream_lost";

    /// <summary>
    /// A connection or one command gathered more than is kept for it: commands awaiting completion (the oldest is
    /// recorded without one), SEARCH results or IDLE updates (the rest are counted, not kept).
    /// </summary>
    public const string CommandLimit = "imap_command_limit";

    /// <summary>A direction ended inside a line or a literal.</summary>
    public const string Truncated = "imap_truncated";
}
