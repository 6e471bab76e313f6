namespace Sniffer.Dissectors.Imap.Records;

/// <summary>
/// Which known message each sequence number names, as EXPUNGE responses renumber them (RFC 9051 §7.5.1: every later
/// message moves down by one).
/// </summary>
/// <remarks>
/// A client rarely knows every message of a mailbox, so the numbers are sparse. Each known message keeps the gap to the
/// number of the message before it, in a treap ordered by number whose nodes sum their subtree's gaps: a message's
/// number is the sum of the gaps up to it. An EXPUNGE then changes one gap (the first after the expunged number)
/// instead of every later message, so it costs O(log n) however many messages are known; renumbering each known message
/// made a server's "* 1 EXPUNGE" storm quadratic.
/// </remarks>
internal sealed class MessageNumbers
{
    private Entry? _root;
    private uint _priorities = 2_463_534_242;

    /// <summary>The message now numbered <paramref name="number"/>, if the client knows it.</summary>
    public ImapMessageSummary? Find(long number)
    {
        long before = 0;
        Entry? entry = _root;
        while (entry is not null)
        {
            long own = before + SumOf(entry.Left) + entry.Gap;
            if (number == own) return entry.Message;
            if (number < own)
            {
                entry = entry.Left;
            }
            else
            {
                before = own;
                entry = entry.Right;
            }
        }
        return null;
    }

    /// <summary>
    /// Numbers <paramref name="message"/> <paramref name="number"/>. A number names one message at a time (RFC 9051
    /// §2.3.1.2): the message that held it loses its number. A number outside 1..2³²−1 (RFC 9051 §9, nz-number) names
    /// no message.
    /// </summary>
    public void Assign(ImapMessageSummary message, long number)
    {
        if (message.NumberEntry is { } current)
        {
            if (current.Number == number) return;
            Remove(current);
        }
        if (!IsNumber(number)) return;
        if (Find(number) is { NumberEntry: { } holder }) Remove(holder);

        (Entry? before, Entry? after) = Split(_root, number, 0);
        var entry = new Entry(message, number - SumOf(before), NextPriority());
        if (after is not null) AddToFirstGap(after, -entry.Gap);
        _root = Root(Merge(Merge(before, entry), after));
        message.NumberEntry = entry;
    }

    /// <summary>
    /// EXPUNGE of <paramref name="number"/>: its message, when known, loses its number, and every later one moves down
    /// by one.
    /// </summary>
    /// <returns>The expunged message, when the client knew it.</returns>
    public ImapMessageSummary? Expunge(long number)
    {
        if (!IsNumber(number)) return null;
        (Entry? gone, Entry? after) = Cut(number);
        // The first later message's gap now runs from the message before the expunged one, one shorter.
        if (after is not null) AddToFirstGap(after, (gone?.Gap ?? 0) - 1);
        _root = Root(Merge(_root, after));
        if (gone is null) return null;
        gone.Message.NumberEntry = null;
        return gone.Message;
    }

    /// <summary>Takes <paramref name="entry"/> out; the numbers of the others stay as they were.</summary>
    private void Remove(Entry entry)
    {
        (Entry? gone, Entry? after) = Cut(entry.Number);
        if (after is not null) AddToFirstGap(after, gone!.Gap);
        _root = Root(Merge(_root, after));
        entry.Message.NumberEntry = null;
    }

    /// <summary>
    /// Splits the treap around <paramref name="number"/>: the root keeps the messages before it, the entry numbered
    /// <paramref name="number"/> (if any) comes back alone, and so does the treap of the messages after it.
    /// </summary>
    private (Entry? Gone, Entry? After) Cut(long number)
    {
        (Entry? before, Entry? rest) = Split(_root, number, 0);
        (Entry? gone, Entry? after) = Split(rest, number + 1, SumOf(before));
        _root = Root(before);
        if (gone is not null) gone.Parent = null;
        return (gone, after is null ? null : Root(after));
    }

    /// <summary>The entries numbered below <paramref name="number"/>, and the rest; <paramref name="before"/> is the sum of the gaps left of <paramref name="entry"/>.</summary>
    private static (Entry? Below, Entry? AtOrAbove) Split(Entry? entry, long number, long before)
    {
        if (entry is null) return (null, null);
        long own = before + SumOf(entry.Left) + entry.Gap;
        if (own < number)
        {
            (Entry? below, Entry? rest) = Split(entry.Right, number, own);
            entry.Right = below;
            entry.Update();
            return (entry, rest);
        }
        (Entry? lower, Entry? upper) = Split(entry.Left, number, before);
        entry.Left = upper;
        entry.Update();
        return (lower, entry);
    }

    /// <summary>Joins two treaps, every entry of <paramref name="lower"/> numbered before every entry of <paramref name="upper"/>.</summary>
    private static Entry? Merge(Entry? lower, Entry? upper)
    {
        if (lower is null) return upper;
        if (upper is null) return lower;
        if (lower.Priority > upper.Priority)
        {
            lower.Right = Merge(lower.Right, upper);
            lower.Update();
            return lower;
        }
        upper.Left = Merge(lower, upper.Left);
        upper.Update();
        return upper;
    }

    /// <summary>Changes the gap of the first entry of a treap, and the sums above it.</summary>
    private static void AddToFirstGap(Entry entry, long change)
    {
        if (entry.Left is { } left) AddToFirstGap(left, change);
        else entry.Gap += change;
        entry.Sum += change;
    }

    private static Entry? Root(Entry? entry)
    {
        if (entry is not null) entry.Parent = null;
        return entry;
    }

    private static bool IsNumber(long number) => number is >= 1 and <= uint.MaxValue;

    private static long SumOf(Entry? entry) => entry?.Sum ?? 0;

    // The shape only has to be random, not unpredictable: xorshift keeps a capture's analysis reproducible.
    private int NextPriority()
    {
        _priorities ^= _priorities << 13;
        _priorities ^= _priorities >> 17;
        _priorities ^= _priorities << 5;
        return (int)(_priorities >> 1);
    }

    /// <summary>One numbered message: its gap to the message numbered before it, and the sum of its subtree's gaps.</summary>
    internal sealed class Entry(ImapMessageSummary message, long gap, int priority)
    {
        public ImapMessageSummary Message { get; } = message;

        public long Gap { get; set; } = gap;

        public long Sum { get; set; } = gap;

        public int Priority { get; } = priority;

        public Entry? Left { get; set; }

        public Entry? Right { get; set; }

        public Entry? Parent { get; set; }

        /// <summary>The message's number: the gaps of every entry before it in order, and its own.</summary>
        public long Number
        {
            get
            {
                long number = SumOf(Left) + Gap;
                for (Entry child = this; child.Parent is { } parent; child = parent)
                {
                    if (parent.Right == child) number += SumOf(parent.Left) + parent.Gap;
                }
                return number;
            }
        }

        /// <summary>After a child changed: the sum again, and the children told who their parent is.</summary>
        public void Update()
        {
            Sum = SumOf(Left) + Gap + SumOf(Right);
            if (Left is not null) Left.Parent = this;
            if (Right is not null) Right.Parent = this;
        }
    }
}
