namespace Sniffer.Dissectors.Mail;

/// <summary>
/// One node of a message's MIME tree: a multipart with children, an embedded message (message/rfc822) whose
/// child is that message's body, or a leaf whose content was decoded (its transfer encoding undone) and hashed.
/// </summary>
public sealed class MailBodyPart
{
    /// <summary>The media type in lower case ("text/plain", "multipart/mixed").</summary>
    public required string ContentType { get; init; }

    public string? Charset { get; init; }

    /// <summary>"inline", "attachment" or whatever the Content-Disposition says; null when there is none.</summary>
    public string? Disposition { get; init; }

    /// <summary>Content-Disposition filename, else Content-Type name (RFC 2231/2047 decoded).</summary>
    public string? FileName { get; init; }

    public string? TransferEncoding { get; init; }

    /// <summary>Size of the decoded content of a leaf; null for multiparts and embedded messages.</summary>
    public long? DecodedSize { get; init; }

    /// <summary>Lower-case hex SHA-256 of the decoded content of a leaf.</summary>
    public string? Sha256 { get; init; }

    /// <summary>Lower-case hex MD5 of the decoded content of a leaf (what Zeek's mime_content_hash and Suricata's filemd5 compare).</summary>
    public string? Md5 { get; init; }

    /// <summary>True for parts a mail client would list as attachments (disposition attachment, or a file name).</summary>
    public bool IsAttachment { get; init; }

    public IReadOnlyList<MailBodyPart> Children { get; init; } = [];

    /// <summary>This part and all below it, depth first.</summary>
    public IEnumerable<MailBodyPart> DescendantsAndSelf()
    {
        yield return this;
        foreach (MailBodyPart child in Children)
        {
            foreach (MailBodyPart part in child.DescendantsAndSelf()) yield return part;
        }
    }
}
