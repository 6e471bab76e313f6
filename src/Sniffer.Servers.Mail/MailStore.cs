namespace Sniffer.Servers.Mail;

/// <summary>
/// The in-memory mailboxes behind the SMTP and IMAP test servers: a few users of one domain, each with the folders
/// <c>INBOX</c>, <c>Sent</c>, <c>Drafts</c> and <c>Trash</c>, each message kept byte-exact as it was received.
/// Thread-safe: every change happens under one lock, and readers get snapshots.
/// </summary>
public sealed class MailStore
{
    public const string DefaultDomain = "sniffer.test";
    public const string DefaultPassword = "secret";
    public const long DefaultCapacity = 512L * 1024 * 1024;
    public static readonly IReadOnlyList<string> DefaultUsers = ["alice", "bob", "carol"];
    public static readonly IReadOnlyList<string> FolderNames = ["INBOX", "Sent", "Drafts", "Trash"];

    private readonly Lock _gate = new();
    private readonly Dictionary<string, UserMailboxes> _users = new(StringComparer.OrdinalIgnoreCase);
    private long _storedBytes;

    /// <param name="capacity">The most message bytes kept over all folders; past it deliveries fail with <see cref="MailStoreFullException"/>.</param>
    public MailStore(string domain = DefaultDomain, IEnumerable<string>? users = null, string password = DefaultPassword, long capacity = DefaultCapacity)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(domain);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Domain = domain;
        Capacity = capacity;
        // RFC 3501 §2.3.1.1: UIDVALIDITY must change whenever UIDs could be reused, so a store made later (a new
        // server run) gets larger values than any earlier one.
        uint validity = (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        foreach (string user in users ?? DefaultUsers)
        {
            var folders = FolderNames.ToDictionary(name => name, _ => new MailFolder(validity++), StringComparer.OrdinalIgnoreCase);
            _users.Add(user, new UserMailboxes(user, password, folders));
        }
        if (_users.Count == 0) throw new ArgumentException("A mail store needs at least one user.", nameof(users));
        Users = _users.Keys.ToArray();
    }

    public string Domain { get; }

    public long Capacity { get; }

    public IReadOnlyList<string> Users { get; }

    /// <summary>Raised after a message was added to a folder (delivery, APPEND or COPY), outside the store's lock.</summary>
    public event EventHandler<MailArrivedEventArgs>? MessageArrived;

    /// <summary>The address a user receives mail at.</summary>
    public string AddressOf(string user) => $"{user}@{Domain}";

    /// <summary>True when the address's domain is the store's (its users may or may not exist).</summary>
    public bool IsLocalDomain(string address)
    {
        int at = address.LastIndexOf('@');
        return at >= 0 && string.Equals(address[(at + 1)..], Domain, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Finds the user a login name or an address belongs to: <c>alice</c> and <c>alice@sniffer.test</c> both name alice.</summary>
    public bool TryResolveUser(string loginOrAddress, out string user)
    {
        user = "";
        string local = loginOrAddress;
        int at = loginOrAddress.LastIndexOf('@');
        if (at >= 0)
        {
            if (!IsLocalDomain(loginOrAddress)) return false;
            local = loginOrAddress[..at];
        }
        if (!_users.TryGetValue(local, out UserMailboxes? mailboxes)) return false;
        user = mailboxes.Name;
        return true;
    }

    /// <summary>Checks a login (local part or full address) and its password; <paramref name="user"/> is the canonical name.</summary>
    public bool Authenticate(string login, string password, out string user) =>
        TryResolveUser(login, out user) && string.Equals(_users[user].Password, password, StringComparison.Ordinal);

    /// <summary>Delivers a message to the INBOX of the user <paramref name="recipient"/> names (a local address or user name).</summary>
    /// <exception cref="MailStoreFullException">The store holds <see cref="Capacity"/> bytes already.</exception>
    public StoredMessage Deliver(string recipient, ReadOnlyMemory<byte> raw)
    {
        if (!TryResolveUser(recipient, out string user))
            throw new ArgumentException($"'{recipient}' is not a user of {Domain}.", nameof(recipient));
        return Append(user, "INBOX", raw);
    }

    /// <summary>Adds a copy of <paramref name="raw"/> to a folder with the given flags and internal date (now when not given).</summary>
    public StoredMessage Append(string user, string folder, ReadOnlyMemory<byte> raw, IEnumerable<string>? flags = null, DateTimeOffset? date = null)
    {
        StoredMessage message = AppendWithoutNotice(user, folder, raw.ToArray(), MailFlags.Normalize(flags ?? []), date ?? DateTimeOffset.UtcNow);
        RaiseArrived(user, folder);
        return message;
    }

    /// <summary>The folders of a user, INBOX first; empty for an unknown user.</summary>
    public IReadOnlyList<string> FoldersOf(string user) => _users.ContainsKey(user) ? FolderNames : [];

    /// <summary>The canonical name of a user's folder (INBOX is case-insensitive, RFC 3501 §5.1), or null when it does not exist.</summary>
    public string? FindFolder(string user, string folder)
    {
        if (!_users.ContainsKey(user)) return null;
        return FolderNames.FirstOrDefault(name => string.Equals(name, folder, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>A snapshot of one folder: its identifiers and messages in UID order.</summary>
    public FolderSnapshot Snapshot(string user, string folder)
    {
        lock (_gate)
        {
            MailFolder box = FolderOf(user, folder);
            return new FolderSnapshot(box.UidValidity, box.UidNext, box.Messages.ToArray());
        }
    }

    /// <summary>Marks every message of a folder that no session has seen yet as recent for the caller (RFC 3501 §2.3.2 \Recent).</summary>
    internal IReadOnlySet<uint> ClaimRecent(string user, string folder)
    {
        lock (_gate)
        {
            var claimed = new HashSet<uint>();
            foreach (StoredMessage message in FolderOf(user, folder).Messages)
            {
                if (message.RecentClaimed) continue;
                message.RecentClaimed = true;
                claimed.Add(message.Uid);
            }
            return claimed;
        }
    }

    /// <summary>Adds, removes or replaces flags of the given messages (RFC 3501 §6.4.6 STORE).</summary>
    internal void ChangeFlags(IEnumerable<StoredMessage> messages, FlagChange change, IReadOnlySet<string> flags)
    {
        lock (_gate)
        {
            foreach (StoredMessage message in messages)
            {
                message.Flags = change switch
                {
                    FlagChange.Replace => flags,
                    FlagChange.Add => MailFlags.Union(message.Flags, flags),
                    _ => MailFlags.Except(message.Flags, flags),
                };
            }
        }
    }

    /// <summary>Removes the messages of a folder that carry \Deleted (limited to <paramref name="onlyUids"/> when given).</summary>
    internal void Expunge(string user, string folder, IReadOnlySet<uint>? onlyUids)
    {
        lock (_gate)
        {
            FolderOf(user, folder).Messages.RemoveAll(message =>
            {
                bool remove = message.Flags.Contains(MailFlags.Deleted) && (onlyUids is null || onlyUids.Contains(message.Uid));
                if (remove) _storedBytes -= message.RawBytes.Length;
                return remove;
            });
        }
    }

    /// <summary>Copies messages into another folder of the same user with their flags and dates; returns the new UIDs in order.</summary>
    internal (uint UidValidity, IReadOnlyList<uint> Uids) Copy(string user, IReadOnlyList<StoredMessage> messages, string targetFolder)
    {
        var uids = new List<uint>();
        uint validity;
        lock (_gate)
        {
            validity = FolderOf(user, targetFolder).UidValidity;
            // RFC 3501 §6.4.7: a COPY that fails must leave the destination as it was, so the room is checked first.
            if (_storedBytes + messages.Sum(message => (long)message.RawBytes.Length) > Capacity)
                throw new MailStoreFullException($"The mail store is full ({Capacity:N0} bytes).");
            foreach (StoredMessage message in messages)
            {
                uids.Add(AppendWithoutNotice(user, targetFolder, message.RawBytes, message.Flags, message.InternalDate).Uid);
            }
        }
        if (uids.Count > 0) RaiseArrived(user, targetFolder);
        return (validity, uids);
    }

    private StoredMessage AppendWithoutNotice(string user, string folder, byte[] raw, IReadOnlySet<string> flags, DateTimeOffset date)
    {
        lock (_gate)
        {
            MailFolder box = FolderOf(user, folder);
            if (_storedBytes + raw.Length > Capacity)
                throw new MailStoreFullException($"The mail store is full ({Capacity:N0} bytes).");
            var message = new StoredMessage(box.UidNext++, raw, flags, date);
            box.Messages.Add(message);
            _storedBytes += raw.Length;
            return message;
        }
    }

    private MailFolder FolderOf(string user, string folder)
    {
        if (!_users.TryGetValue(user, out UserMailboxes? mailboxes))
            throw new ArgumentException($"'{user}' is not a user of {Domain}.", nameof(user));
        if (!mailboxes.Folders.TryGetValue(folder, out MailFolder? box))
            throw new ArgumentException($"{user} has no folder '{folder}'.", nameof(folder));
        return box;
    }

    private void RaiseArrived(string user, string folder) =>
        MessageArrived?.Invoke(this, new MailArrivedEventArgs(_users[user].Name, FindFolder(user, folder)!));

    private sealed record UserMailboxes(string Name, string Password, Dictionary<string, MailFolder> Folders);

    private sealed class MailFolder(uint uidValidity)
    {
        public uint UidValidity { get; } = uidValidity;
        public uint UidNext { get; set; } = 1;
        public List<StoredMessage> Messages { get; } = [];
    }
}

/// <summary>A folder as it was at one moment.</summary>
public sealed record FolderSnapshot(uint UidValidity, uint UidNext, IReadOnlyList<StoredMessage> Messages)
{
    public int Unseen => Messages.Count(message => !message.Flags.Contains(MailFlags.Seen));
}

/// <summary>Tells which user's folder received a message.</summary>
public sealed class MailArrivedEventArgs(string user, string folder) : EventArgs
{
    public string User { get; } = user;
    public string Folder { get; } = folder;
}

/// <summary>A delivery, APPEND or COPY would take the store past its capacity.</summary>
public sealed class MailStoreFullException(string message) : InvalidOperationException(message);

internal enum FlagChange { Replace, Add, Remove }
