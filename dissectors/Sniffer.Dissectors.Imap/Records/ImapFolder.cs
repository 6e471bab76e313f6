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

    // A sequence number names one message at a time (RFC 9051 §2.3.1.2): the one the server last gave it to.
    private readonly Dictionary<long, ImapMessageSummary> _bySequence = [];

    /// <summary>The first message (in the order they became known) with <paramref name="uid"/>.</summary>
    internal ImapMessageSummary? FindByUid(long uid) => _byUid.GetValueOrDefault(uid);

    /// <summary>The message now numbered <paramref name="sequenceNumber"/>.</summary>
    internal ImapMessageSummary? FindBySequence(long sequenceNumber) => _bySequence.GetValueOrDefault(sequenceNumber);

    internal void Add(ImapMessageSummary message)
    {
        _messages.Add(message);
        if (message.Uid is { } uid) _byUid.TryAdd(uid, message);
        if (message.SequenceNumber is { } number)
        {
            message.SequenceNumber = null;
            TakeNumber(message, number);
        }
    }

    /// <summary>Sets what a known message is numbered and, if it had none, its UID.</summary>
    internal void Renumber(ImapMessageSummary message, long sequenceNumber, long? uid)
    {
        if (message.SequenceNumber != sequenceNumber) TakeNumber(message, sequenceNumber);
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
    /// <returns>The messages it looked at: the dissector bounds what one connection may spend on renumbering.</returns>
    internal int Expunge(long sequenceNumber)
    {
        if (_bySequence.Remove(sequenceNumber, out ImapMessageSummary? gone))
        {
            gone.SequenceNumber = null;
            gone.Expunged = true;
        }
        int moved = 0;
        int visited = _messages.Count;
        foreach (ImapMessageSummary message in _messages)
        {
            if (message.SequenceNumber is { } number && number > sequenceNumber)
            {
                // Ascending numbers would overwrite each other's keys: every one moves out first, then back in.
                _bySequence.Remove(number);
                message.SequenceNumber = number - 1;
                moved++;
            }
        }
        if (moved > 0)
        {
            visited += _messages.Count;
            foreach (ImapMessageSummary message in _messages)
            {
                if (message.SequenceNumber is { } number && number >= sequenceNumber) _bySequence[number] = message;
            }
        }
        return visited;
    }

    /// <summary>
    /// Drops every message's sequence number (UIDs stay): what the dissector does once it stops following renumbering,
    /// rather than keep numbers it can no longer vouch for.
    /// </summary>
    internal void ForgetSequenceNumbers()
    {
        foreach (ImapMessageSummary message in _messages) message.SequenceNumber = null;
        _bySequence.Clear();
    }

    private void TakeNumber(ImapMessageSummary message, long number)
    {
        if (message.SequenceNumber is { } old) _bySequence.Remove(old);
        // Whoever held the number before has lost it: an EXPUNGE the capture missed, or a server that renumbered.
        if (_bySequence.TryGetValue(number, out ImapMessageSummary? holder)) holder.SequenceNumber = null;
        message.SequenceNumber = number;
        _bySequence[number] = message;
    }
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
