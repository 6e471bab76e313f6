using Sniffer.Core.Records;

namespace Sniffer.Dissectors.Mail;

/// <summary>
/// One RFC 5322 message as it crossed the wire: submitted over SMTP (DATA or BDAT, dot-unstuffed) or fetched
/// over IMAP. The bytes are kept up to DissectorSettings.MaxMessageBytes; size and hashes always cover all of it.
/// </summary>
public sealed class MailMessage : SnifferRecord
{
    /// <summary>"smtp" or "imap".</summary>
    public required string Source { get; init; }

    /// <summary>Identifies the message within its flow ("1", "2", …), so a transaction or fetch can point at it.</summary>
    public required string Id { get; init; }

    /// <summary>The message bytes, byte-exact, at most MaxMessageBytes of them.</summary>
    public required ReadOnlyMemory<byte> Raw { get; init; }

    /// <summary>Bytes seen, including those past the cap but not those lost to gaps.</summary>
    public long Size { get; init; }

    /// <summary>Lower-case hex MD5 of every byte seen (the digest mail tools and truth files quote).</summary>
    public required string Md5 { get; init; }

    public required string Sha256 { get; init; }

    /// <summary>False when gaps or the end of the stream cut the message; <see cref="MissingBytes"/> says how much is known lost.</summary>
    public bool Complete { get; init; }

    public long MissingBytes { get; init; }

    /// <summary>True when <see cref="Raw"/> stops short of <see cref="Size"/> because of the cap.</summary>
    public bool Truncated => Raw.Length < Size;

    /// <summary>Any byte with the high bit set: the message is not 7-bit (RFC 6152 needs BODY=8BITMIME for it).</summary>
    public bool Has8BitData { get; init; }

    public required MessageSummary Summary { get; init; }

    public IReadOnlyList<MailAddress> From => Summary.From;
    public IReadOnlyList<MailAddress> To => Summary.To;
    public IReadOnlyList<MailAddress> Cc => Summary.Cc;
    public IReadOnlyList<MailAddress> Bcc => Summary.Bcc;
    public string? Subject => Summary.Subject;
    public DateTimeOffset? Date => Summary.Date;
    public string? MessageId => Summary.MessageId;
    public string? InReplyTo => Summary.InReplyTo;
    public IReadOnlyList<string> Received => Summary.Received;
    public string? UserAgent => Summary.UserAgent;
    public string? XMailer => Summary.XMailer;
    public MailBodyPart? Body => Summary.Body;
    public IReadOnlyList<MailBodyPart> Attachments => Summary.Attachments;
}
