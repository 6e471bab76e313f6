using Sniffer.Core.Records;
using Sniffer.Dissectors.Mail;

namespace Sniffer.Dissectors.Smtp.Records;

/// <summary>How a transaction's content phase ended.</summary>
public enum SmtpDataOutcome
{
    /// <summary>No DATA or BDAT was sent (every recipient rejected, RSET, QUIT…).</summary>
    NotSent,

    /// <summary>The server took responsibility for the message (250 after CRLF.CRLF or BDAT LAST).</summary>
    Accepted,

    /// <summary>DATA was refused, or the content was refused after it was sent.</summary>
    Rejected,

    /// <summary>The content was sent but the connection ended before the server answered.</summary>
    Unanswered,
}

/// <summary>
/// One mail transaction (RFC 5321 §3.3): MAIL FROM, the RCPT TOs with the server's verdict on each, and the
/// content sent with DATA or BDAT, next to what the message's own headers claim.
/// </summary>
public sealed class SmtpTransaction : SnifferRecord
{
    /// <summary>1 for the first transaction of the connection (Zeek's trans_depth).</summary>
    public int Depth { get; init; }

    /// <summary>The EHLO/HELO argument in force.</summary>
    public string? Helo { get; init; }

    /// <summary>The reverse-path without its angle brackets ("" for the null path of bounces).</summary>
    public required string MailFrom { get; init; }

    /// <summary>The user the session had authenticated as when the transaction began; null without AUTH.</summary>
    public string? AuthUser { get; init; }

    /// <summary>MAIL FROM parameters by upper-case keyword (SIZE, BODY, SMTPUTF8, AUTH, RET, ENVID…); a bare keyword maps to "".</summary>
    public IReadOnlyDictionary<string, string> MailParameters { get; init; } = new Dictionary<string, string>();

    public SmtpReply? MailReply { get; internal set; }

    public IReadOnlyList<SmtpRecipient> Recipients => _recipients;

    public IEnumerable<SmtpRecipient> Accepted => _recipients.Where(r => r.Accepted);

    public IEnumerable<SmtpRecipient> Rejected => _recipients.Where(r => r.Reply is { IsPositive: false });

    /// <summary>"DATA" or "BDAT"; null when no content was sent.</summary>
    public string? ContentCommand { get; internal set; }

    /// <summary>Number of BDAT chunks (RFC 3030); 0 for DATA.</summary>
    public int Chunks { get; internal set; }

    public SmtpDataOutcome DataOutcome { get; internal set; }

    /// <summary>The final reply to the content: after CRLF.CRLF, or to BDAT LAST.</summary>
    public SmtpReply? DataReply { get; internal set; }

    /// <summary>The last reply to any command sent while this transaction was open (Zeek's last_reply).</summary>
    public SmtpReply? LastReply { get; internal set; }

    /// <summary>The message as sent (dot-unstuffed for DATA); also emitted on its own.</summary>
    public MailMessage? Message { get; internal set; }

    /// <summary>Where envelope and headers disagree (Bcc, forwarding, spoofing): the reasons, as text.</summary>
    public IReadOnlyList<string> EnvelopeDifferences { get; internal set; } = [];

    internal void Add(SmtpRecipient recipient) => _recipients.Add(recipient);

    private readonly List<SmtpRecipient> _recipients = [];
}
