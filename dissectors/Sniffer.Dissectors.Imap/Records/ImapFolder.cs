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

    /// <summary>Every message the client learnt of, in the order it did; expunged ones stay, marked.</summary>
    public IReadOnlyList<ImapMessageSummary> Messages => _messages;

    private readonly List<ImapMessageSummary> _messages = [];

    // Lookups for the dissector. A client's first FETCH 1:* of a mailbox of n messages used to look each one up by
    // scanning all those before it: n²/2 comparisons, minutes of CPU for a 100,000-message mailbox.
    private readonly Dictionary<long, ImapMessageSummary> _byUid = [];

    private readonly MessageNumbers _numbers = new();

    /// <summary>The first message (in the order they became known) with <paramref name="uid"/>.</summary>
    internal ImapMessageSummary? FindByUid(long uid) => _byUid.GetValueOrDefault(uid);

    /// <summary>The message now numbered <paramref name="sequenceNumber"/>.</summary>
    internal ImapMessageSummary? FindBySequence(long sequenceNumber) => _numbers.Find(sequenceNumber);

    /// <summary>A message the client learnt of, numbered <paramref name="sequenceNumber"/> when the server said so.</summary>
    internal void Add(ImapMessageSummary message, long? sequenceNumber)
    {
        _messages.Add(message);
        if (message.Uid is { } uid) _byUid.TryAdd(uid, message);
        if (sequenceNumber is { } number) _numbers.Assign(message, number);
    }

    /// <summary>Sets what a known message is numbered and, if it had none, its UID.</summary>
    internal void Renumber(ImapMessageSummary message, long sequenceNumber, long? uid)
    {
        _numbers.Assign(message, sequenceNumber);
        if (message.Uid is null && uid is { } known)
        {
            message.Uid = known;
            _byUid.TryAdd(known, message);
        }
    }

    /// <summary>
    /// An EXPUNGE of <paramref name="sequenceNumber"/> (RFC 9051 §7.5.1): its message is gone and every later one moves
    /// down by one.
    /// </summary>
    internal void Expunge(long sequenceNumber)
    {
        if (_numbers.Expunge(sequenceNumber) is { } gone) gone.Expunged = true;
    }
}

/// <summary>What the client learnt of one message: from FETCH data items and fetched headers.</summary>
public sealed class ImapMessageSummary
{
    /// <summary>
    /// The message's sequence number now; null once expunged, or when another message took the number (RFC 9051
    /// §2.3.1.2).
    /// </summary>
    public long? SequenceNumber => NumberEntry?.Number;

    internal MessageNumbers.Entry? NumberEntry { get; set; }

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
