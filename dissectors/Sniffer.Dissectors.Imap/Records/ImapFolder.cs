namespace Sniffer.Dissectors.Imap.Records;

/// <summary>A mailbox as the client learnt of it from LIST/LSUB, STATUS and SELECT/EXAMINE (RFC 9051 §7.2–7.4).</summary>
public sealed class ImapFolder
{
    /// <summary>As the server names it; "INBOX" in upper case whatever the spelling (RFC 9051 §5.1).</summary>
    public required string Name { get; init; }

    public string? Delimiter { get; set; }

    public IReadOnlyList<string> Attributes { get; set; } = [];

    public long? Exists { get; set; }

    public long? Recent { get; set; }

    /// <summary>From STATUS (RFC 9051 §6.3.11); SELECT's [UNSEEN n] is a message number, not a count (RFC 3501 §7.1).</summary>
    public long? Unseen { get; set; }

    public long? UidValidity { get; set; }

    public long? UidNext { get; set; }

    public IReadOnlyList<string> Flags { get; set; } = [];

    /// <summary>True once the client selected or examined it.</summary>
    public bool Selected { get; set; }

    public List<ImapMessageSummary> Messages { get; } = [];
}

/// <summary>What the client learnt of one message: from FETCH data items and fetched headers.</summary>
public sealed class ImapMessageSummary
{
    /// <summary>The last sequence number the message was known by; null once expunged.</summary>
    public long? SequenceNumber { get; set; }

    public long? Uid { get; set; }

    public IReadOnlyList<string> Flags { get; set; } = [];

    /// <summary>RFC822.SIZE.</summary>
    public long? Size { get; set; }

    public string? InternalDate { get; set; }

    public string? Subject { get; set; }

    public IReadOnlyList<string> From { get; set; } = [];

    public IReadOnlyList<string> To { get; set; } = [];

    public IReadOnlyList<string> Cc { get; set; } = [];

    public string? Date { get; set; }

    public string? MessageId { get; set; }

    public bool Expunged { get; set; }
}
