using Sniffer.Core.Records;

namespace Sniffer.Dissectors.Imap.Records;

/// <summary>Which way message content crossed the connection.</summary>
public enum ImapTransferOrigin : byte
{
    /// <summary>A FETCH response carried it (RFC 9051 §7.5.2).</summary>
    Fetch,

    /// <summary>The client uploaded it with APPEND (RFC 9051 §6.3.12).</summary>
    Append,
}

/// <summary>
/// Message content that crossed the connection: a FETCH body section (whole message, header, part, partial) or an
/// APPENDed message. <see cref="SnifferRecord.TimeNs"/> is the first byte of the line carrying it.
/// </summary>
public sealed class ImapMessageTransfer : SnifferRecord
{
    public required ImapTransferOrigin Origin { get; init; }

    /// <summary>The tag of the command it answered or belonged to; null for an unsolicited FETCH.</summary>
    public string? Tag { get; init; }

    public string? Folder { get; init; }

    public long? SequenceNumber { get; init; }

    public long? Uid { get; init; }

    /// <summary>The data item as the server named it ("BODY[]", "BODY[HEADER.FIELDS (FROM)]", "RFC822", "BINARY[1]<0>").</summary>
    public required string Item { get; init; }

    /// <summary>True when the item is the whole message: BODY[], BINARY[], RFC822 or an APPEND, without a partial range.</summary>
    public bool WholeMessage { get; init; }

    /// <summary>True for a partial fetch (<c>&lt;origin.octets&gt;</c>, RFC 9051 §6.4.5).</summary>
    public bool Partial { get; init; }

    /// <summary>The literal's declared size: the bytes the client received.</summary>
    public long Size { get; init; }

    /// <summary>Bytes captured, kept or not.</summary>
    public long CapturedBytes { get; init; }

    /// <summary>False when a capture gap lost part of it.</summary>
    public bool Complete { get; init; }

    /// <summary>True when it exceeded DissectorSettings.MaxLiteralBytes and only its first bytes were kept.</summary>
    public bool Truncated { get; init; }

    public string? Sha256 { get; init; }

    public string? Subject { get; init; }

    public IReadOnlyList<string> From { get; init; } = [];

    public IReadOnlyList<string> To { get; init; } = [];

    public string? Date { get; init; }

    public string? MessageId { get; init; }

    /// <summary>For a whole message, the <c>Id</c> of the MailMessage record emitted just before this one (same flow).</summary>
    public string? MailMessageId { get; init; }
}
