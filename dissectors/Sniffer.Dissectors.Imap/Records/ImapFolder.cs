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

    // Lookups for the dissector. A client's first FETCH 1:* of a mailbox of n messages used to look each one up by
    // scanning all those before it: n²/2 comparisons, minutes of CPU for a 100,000-message mailbox.
    private readonly Dictionary<long, ImapMessageSummary> _byUid = [];
    private Dictionary<long, ImapMessageSummary>? _bySequence;

    /// <summary>The first message (in the order they became known) with <paramref name="uid"/>.</summary>
    internal ImapMessageSummary? FindByUid(long uid) => _byUid.GetValueOrDefault(uid);

    /// <summary>The first message (in the order they became known) now numbered <paramref name="sequenceNumber"/>.</summary>
    internal ImapMessageSummary? FindBySequence(long sequenceNumber)
    {
        if (_bySequence is null)
        {
            _bySequence = [];
            foreach (ImapMessageSummary message in Messages)
            {
                if (message.SequenceNumber is { } number) _bySequence.TryAdd(number, message);
            }
        }
        return _bySequence.GetValueOrDefault(sequenceNumber);
    }

    internal void Add(ImapMessageSummary message)
    {
        Messages.Add(message);
        if (message.Uid is { } uid) _byUid.TryAdd(uid, message);
        if (message.SequenceNumber is { } number) _bySequence?.TryAdd(number, message);
    }

    /// <summary>Sets what a known message is numbered and, if it had none, its UID.</summary>
    internal void Renumber(ImapMessageSummary message, long sequenceNumber, long? uid)
    {
        // Another message may hold the old number's lookup after it; rebuilt on the next look-up by number.
        if (message.SequenceNumber != sequenceNumber) _bySequence = null;
        message.SequenceNumber = sequenceNumber;
        if (message.Uid is null && uid is { } known)
        {
            message.Uid = known;
            _byUid.TryAdd(known, message);
        }
    }

    /// <summary>An EXPUNGE renumbered messages (RFC 9051 §7.5.1).</summary>
    internal void SequenceNumbersChanged() => _bySequence = null;
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
