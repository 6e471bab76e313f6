namespace Sniffer.Servers.Mail;

/// <summary>One message in a folder: its UID, flags, internal date and the bytes exactly as they were received.</summary>
public sealed class StoredMessage
{
    private readonly Lazy<MessageLayout> _layout;
    private volatile IReadOnlySet<string> _flags;

    internal StoredMessage(uint uid, byte[] raw, IReadOnlySet<string> flags, DateTimeOffset internalDate)
    {
        Uid = uid;
        RawBytes = raw;
        _flags = flags;
        InternalDate = internalDate;
        _layout = new Lazy<MessageLayout>(() => MessageLayout.Parse(raw), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public uint Uid { get; }

    public DateTimeOffset InternalDate { get; }

    public ReadOnlyMemory<byte> Raw => RawBytes;

    /// <summary>The flags now; each change replaces the whole set, so a reader never sees one half-changed.</summary>
    public IReadOnlySet<string> Flags
    {
        get => _flags;
        internal set => _flags = value;
    }

    internal byte[] RawBytes { get; }

    /// <summary>True once an IMAP session has been told of this message as \Recent (RFC 3501 §2.3.2: at most one is).</summary>
    internal bool RecentClaimed { get; set; }

    /// <summary>MimeKit's parse of the bytes with the offsets of every part, made on first use.</summary>
    internal MessageLayout Layout => _layout.Value;
}
