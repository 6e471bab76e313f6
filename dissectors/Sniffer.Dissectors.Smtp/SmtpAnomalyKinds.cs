namespace Sniffer.Dissectors.Smtp;

/// <summary>The anomaly kinds the SMTP dissector emits (stable snake_case names, "smtp_" prefix).</summary>
public static class SmtpAnomalyKinds
{
    /// <summary>A server line that is not "ddd", "ddd text" or "ddd-text" (RFC 5321 §4.2).</summary>
    public const string InvalidReply = "smtp_invalid_reply";

    /// <summary>A client line with no verb or with control bytes: not SMTP, or garbage.</summary>
    public const string InvalidCommand = "smtp_invalid_command";

    /// <summary>A command or reply line longer than DissectorSettings.MaxLineBytes.</summary>
    public const string LineTooLong = "smtp_line_too_long";

    /// <summary>A reply with no command left to pair it with.</summary>
    public const string UnexpectedReply = "smtp_unexpected_reply";

    /// <summary>Bytes lost to a capture gap; the session resumes at the next line or command.</summary>
    public const string ContentGap = "smtp_content_gap";

    /// <summary>A BDAT whose size is not a number (RFC 3030 §3).</summary>
    public const string InvalidBdat = "smtp_invalid_bdat";

    /// <summary>8-bit content without BODY=8BITMIME, BINARYMIME or SMTPUTF8 on MAIL FROM (RFC 6152 §3).</summary>
    public const string EightBitWithout8BitMime = "smtp_8bit_without_8bitmime";

    /// <summary>The connection ended inside a message's content.</summary>
    public const string TruncatedMessage = "smtp_truncated_message";

    /// <summary>
    /// A session gathered more than is kept for one: commands awaiting a reply (the oldest is recorded without one),
    /// commands listed in the session, or recipients of one transaction (the rest are counted, not kept).
    /// </summary>
    public const string SessionLimit = "smtp_session_limit";
}
