namespace Sniffer.Dissectors.Mail;

/// <summary>
/// Summaries of messages already parsed, by the SHA-256 of their bytes. The same message crosses a capture several
/// times: submitted over SMTP, relayed, then fetched over IMAP by each of its reader's clients. Parsing it with
/// MimeKit and hashing its decoded parts is most of what mail analysis costs, and a summary depends on the bytes
/// alone, so a message seen again takes the summary it had, and its MD5 (more than twice the cost of its SHA-256, the
/// key, hashed on the way in). One cache serves every flow of a pipeline, on any worker thread; it keeps the most
/// recent summaries, oldest out first.
/// </summary>
public sealed class MessageSummaryCache
{
    /// <summary>
    /// Bound on the message bytes whose summaries are held. A summary is mostly what its header fields said, a small
    /// fraction of an ordinary message; one built to swell its summary (thousands of one-letter addresses) holds a
    /// few times its size, so this bounds the cache at a small multiple of it in the worst case.
    /// </summary>
    public const long DefaultMaxMessageBytes = 32L << 20;

    /// <summary>
    /// Counted for each entry besides its message's bytes: its key, its place in the queue and a small summary's
    /// objects. Without it a million distinct messages of a few bytes each counted as a few MB while their summaries
    /// held a GB; with it the default bound holds at most about 32,000 summaries.
    /// </summary>
    public const long EntryOverheadBytes = 1024;

    private readonly Dictionary<string, ParsedMessage> _summaries = new(StringComparer.Ordinal);
    private readonly Queue<(string Sha256, long Bytes)> _age = new();
    private readonly Lock _lock = new();
    private long _heldBytes;
    private long _parsed;
    private long _reused;

    public MessageSummaryCache(long maxMessageBytes = DefaultMaxMessageBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageBytes, 1);
        MaxMessageBytes = maxMessageBytes;
    }

    public long MaxMessageBytes { get; }

    /// <summary>Messages parsed, and messages that took the summary of one parsed before.</summary>
    public (long Parsed, long Reused) Counts
    {
        get
        {
            lock (_lock) return (_parsed, _reused);
        }
    }

    /// <summary>
    /// Message bytes whose summaries are held now, plus <see cref="EntryOverheadBytes"/> for each; never more than
    /// <see cref="MaxMessageBytes"/>.
    /// </summary>
    public long HeldBytes
    {
        get
        {
            lock (_lock) return _heldBytes;
        }
    }

    /// <summary>The summary and MD5 of <paramref name="message"/>, whose SHA-256 (lowercase hex) is <paramref name="sha256"/>.</summary>
    public ParsedMessage GetOrParse(string sha256, ReadOnlyMemory<byte> message)
    {
        lock (_lock)
        {
            if (_summaries.TryGetValue(sha256, out ParsedMessage known))
            {
                _reused++;
                return known;
            }
        }
        // Parsed outside the lock so workers do not wait on each other; two that parse the same message at once
        // get equal summaries, and the first one kept is the one later copies take.
        ParsedMessage parsed = ParsedMessage.Of(message);
        lock (_lock)
        {
            _parsed++;
            long cost = message.Length + EntryOverheadBytes;
            if (cost <= MaxMessageBytes && _summaries.TryAdd(sha256, parsed))
            {
                _age.Enqueue((sha256, cost));
                _heldBytes += cost;
                while (_heldBytes > MaxMessageBytes)
                {
                    (string oldest, long bytes) = _age.Dequeue();
                    _summaries.Remove(oldest);
                    _heldBytes -= bytes;
                }
            }
        }
        return parsed;
    }
}

/// <summary>What a message's bytes alone decide: its summary, and the MD5 of those bytes (lowercase hex).</summary>
public readonly record struct ParsedMessage(MessageSummary Summary, string Md5)
{
    public static ParsedMessage Of(ReadOnlyMemory<byte> message) =>
        new(MessageSummary.Parse(message), Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(message.Span)));
}
