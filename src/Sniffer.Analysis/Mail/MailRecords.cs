using Sniffer.Core.Records;

namespace Sniffer.Analysis.Mail;

/// <summary>One download of a mail over IMAP (a whole-message FETCH) or an upload (APPEND), as one end of a <see cref="MailPath"/>.</summary>
public sealed class MailRetrieval
{
    public required long FlowId { get; init; }

    /// <summary>When the message data started to arrive.</summary>
    public required long TimeNs { get; init; }

    public string? Client { get; init; }

    public string? Server { get; init; }

    public string? Folder { get; init; }

    public long? Uid { get; init; }

    public required string Md5 { get; init; }

    /// <summary>The bytes are exactly those submitted over SMTP (no header a server added on delivery).</summary>
    public bool Identical { get; init; }
}

/// <summary>
/// The path of one mail across the capture: submitted over SMTP (Alice's agent → her server) and later retrieved
/// over IMAP (Bob's server → Bob's agent) — the two halves of RFC 5598's Internet mail architecture seen as one
/// story. <see cref="SnifferRecord.FlowId"/> and <see cref="SnifferRecord.TimeNs"/> are those of the submission.
/// </summary>
[StoreCollection("mail_paths")]
public sealed class MailPath : SnifferRecord
{
    /// <summary>The Message-ID that links the halves; null when they were linked by identical content alone.</summary>
    public string? MessageId { get; init; }

    public string? Subject { get; init; }

    /// <summary>MD5 of the submitted message (the DATA content without dot-stuffing).</summary>
    public required string Md5 { get; init; }

    public string? SmtpClient { get; init; }

    public string? SmtpServer { get; init; }

    /// <summary>Every IMAP download of the same mail, in time order.</summary>
    public required IReadOnlyList<MailRetrieval> Retrievals { get; init; }

    /// <summary>From the end of the SMTP DATA to the first IMAP download: how long the mail waited for its reader.</summary>
    public long LatencyNs { get; init; }

    /// <summary>Every retrieval carried exactly the submitted bytes.</summary>
    public bool Identical => Retrievals.All(r => r.Identical);
}

/// <summary>The mail side of a capture in numbers (issue: sessions, messages, recipients, attachments, paths).</summary>
[StoreCollection("summaries", Kind = "mail")]
public sealed class MailSummary : SnifferRecord
{
    public long SmtpSessions { get; init; }

    public long SmtpTransactions { get; init; }

    /// <summary>Recipients the servers accepted and refused, over all transactions.</summary>
    public long RecipientsAccepted { get; init; }

    public long RecipientsRejected { get; init; }

    public long ImapSessions { get; init; }

    public long ImapCommands { get; init; }

    /// <summary>Messages reconstructed from SMTP and from IMAP.</summary>
    public long SmtpMessages { get; init; }

    public long ImapMessages { get; init; }

    public long Attachments { get; init; }

    public long AttachmentBytes { get; init; }

    public long Paths { get; init; }

    /// <summary>Median of <see cref="MailPath.LatencyNs"/>; null without a path.</summary>
    public long? MedianPathLatencyNs { get; init; }
}
