using Sniffer.Servers.Mail.Net;

namespace Sniffer.Servers.Mail;

/// <summary>The selected state: the session's view of one folder (sequence numbers) and the commands on its messages.</summary>
internal sealed partial class ImapSession
{
    private SelectedFolder? _selected;

    /// <summary>SELECT and EXAMINE (RFC 3501 §6.3.1–2).</summary>
    private string Select(IReadOnlyList<ImapArg> arguments, bool readOnly)
    {
        Expect(arguments, 1, readOnly ? "EXAMINE mailbox" : "SELECT mailbox");
        // RFC 3501 §6.3.1: a SELECT, even a failing one, first leaves the selected state.
        _selected = null;
        _state = ImapState.Authenticated;
        string? folder = FindFolder(arguments[0]);
        if (folder is null) return "NO [NONEXISTENT] No such mailbox";
        FolderSnapshot snapshot = _store.Snapshot(_user, folder);
        // \Recent belongs to the first session to see a message; EXAMINE shows it without taking it (RFC 3501 §2.3.2).
        IReadOnlySet<uint> recent = readOnly
            ? snapshot.Messages.Where(message => !message.RecentClaimed).Select(message => message.Uid).ToHashSet()
            : _store.ClaimRecent(_user, folder);
        var selected = new SelectedFolder(folder, readOnly, recent);
        foreach (StoredMessage message in snapshot.Messages) selected.Add(message);
        _selected = selected;
        _state = ImapState.Selected;

        Untagged($"FLAGS ({string.Join(' ', MailFlags.Storable)})");
        Untagged($"{selected.View.Count} EXISTS");
        Untagged($"{selected.RecentCount} RECENT");
        int firstUnseen = selected.View.FindIndex(entry => !entry.Message.Flags.Contains(MailFlags.Seen));
        if (firstUnseen >= 0) Untagged($"OK [UNSEEN {firstUnseen + 1}] First unseen message");
        Untagged($"OK [UIDVALIDITY {snapshot.UidValidity}] UIDs valid");
        Untagged($"OK [UIDNEXT {snapshot.UidNext}] Predicted next UID");
        Untagged(readOnly
            ? "OK [PERMANENTFLAGS ()] No permanent flags in a read-only mailbox"
            : $"OK [PERMANENTFLAGS ({string.Join(' ', MailFlags.Storable)} \\*)] Flags and keywords are kept");
        return readOnly ? "OK [READ-ONLY] EXAMINE completed" : "OK [READ-WRITE] SELECT completed";
    }

    /// <summary>CLOSE (RFC 3501 §6.4.2): expunges silently unless read-only, and leaves the selected state.</summary>
    private string Close()
    {
        SelectedFolder selected = _selected!;
        if (!selected.ReadOnly) _store.Expunge(_user, selected.Name, onlyUids: null);
        _selected = null;
        _state = ImapState.Authenticated;
        return "OK CLOSE completed";
    }

    /// <summary>EXPUNGE (RFC 3501 §6.4.3) and UID EXPUNGE (RFC 4315 §2.1); the untagged EXPUNGEs come from the synchronisation.</summary>
    private string Expunge(IReadOnlyList<ImapArg> arguments, bool byUid)
    {
        SelectedFolder selected = _selected!;
        Expect(arguments, byUid ? 1 : 0, byUid ? "UID EXPUNGE uid-set" : "EXPUNGE");
        if (selected.ReadOnly) return "NO [READ-ONLY] The mailbox is read-only";
        IReadOnlySet<uint>? uids = byUid ? Resolve(arguments[0], byUid: true).Select(target => target.Entry.Message.Uid).ToHashSet() : null;
        _store.Expunge(_user, selected.Name, uids);
        return byUid ? "OK UID EXPUNGE completed" : "OK EXPUNGE completed";
    }

    /// <summary>Replies queued beyond this are sent before the next message is fetched, so a big FETCH is not held whole in memory.</summary>
    private const int FetchFlushThreshold = 1 << 20;

    /// <summary>FETCH and UID FETCH (RFC 3501 §6.4.5, §6.4.8).</summary>
    private async Task<string> FetchAsync(IReadOnlyList<ImapArg> arguments, bool byUid)
    {
        SelectedFolder selected = _selected!;
        if (arguments.Count != 2) throw new ImapSyntaxException("Syntax: FETCH sequence-set items");
        IReadOnlyList<FetchItem> items = FetchItem.ParseAll(arguments.Skip(1).ToList());
        bool marksSeen = !selected.ReadOnly && items.Any(item => item.SetsSeen);
        bool flagsAsked = items.Any(item => item.Kind == FetchKind.Flags);
        foreach ((int sequence, ViewEntry entry) in Resolve(arguments[0], byUid))
        {
            StoredMessage message = entry.Message;
            // RFC 3501 §6.4.5: fetching a body section other than with .PEEK sets \Seen, and the new flags are sent.
            bool seenNow = marksSeen && !message.Flags.Contains(MailFlags.Seen);
            if (seenNow) _store.ChangeFlags([message], FlagChange.Add, MailFlags.Normalize([MailFlags.Seen]));
            _writer.Raw($"* {sequence} FETCH (");
            var parts = new List<Action>();
            // RFC 3501 §6.4.8: a UID FETCH reply always carries the UID.
            if (byUid && !items.Any(item => item.Kind == FetchKind.Uid)) parts.Add(() => _writer.Raw($"UID {message.Uid}"));
            parts.AddRange(items.Select(item => (Action)(() => WriteFetchItem(item, entry))));
            if (seenNow && !flagsAsked) parts.Add(() => WriteFlags(entry));
            for (int i = 0; i < parts.Count; i++)
            {
                if (i > 0) _writer.Raw(" ");
                parts[i]();
            }
            _writer.Raw(")\r\n");
            if (_connection.PendingOutput > FetchFlushThreshold) await _connection.FlushAsync();
        }
        return byUid ? "OK UID FETCH completed" : "OK FETCH completed";
    }

    private void WriteFetchItem(FetchItem item, ViewEntry entry)
    {
        StoredMessage message = entry.Message;
        switch (item.Kind)
        {
            case FetchKind.Flags:
                WriteFlags(entry);
                break;
            case FetchKind.Uid:
                _writer.Raw($"UID {message.Uid}");
                break;
            case FetchKind.Size:
                _writer.Raw("RFC822.SIZE ").Number(message.Raw.Length);
                break;
            case FetchKind.InternalDate:
                _writer.Raw("INTERNALDATE ").DateTime(message.InternalDate);
                break;
            case FetchKind.Envelope:
                _writer.Raw("ENVELOPE ");
                ImapMessageData.WriteEnvelope(_writer, message.Layout.Message);
                break;
            case FetchKind.BodyStructure:
            case FetchKind.Body:
                _writer.Raw(item.Kind == FetchKind.Body ? "BODY " : "BODYSTRUCTURE ");
                ImapMessageData.WriteBodyStructure(_writer, message.Layout.Body, extensible: item.Kind == FetchKind.BodyStructure);
                break;
            case FetchKind.Section:
                _writer.Raw(item.ResponseName).Raw(" ");
                ReadOnlyMemory<byte>? bytes = ImapMessageData.Section(message, item.Parts, item.SectionText, item.Fields);
                if (bytes is not { } data)
                {
                    _writer.Raw("NIL");
                    break;
                }
                if (item.PartialStart >= 0)
                {
                    // RFC 3501 §6.4.5: a partial fetch past the end gives an empty string.
                    int start = (int)Math.Min(item.PartialStart, data.Length);
                    data = data.Slice(start, (int)Math.Min(item.PartialCount, data.Length - start));
                }
                _writer.Literal(data.Span);
                break;
        }
    }

    private void WriteFlags(ViewEntry entry)
    {
        IReadOnlySet<string> flags = entry.Message.Flags;
        entry.Reported = flags;
        IEnumerable<string> shown = _selected!.IsRecent(entry.Message.Uid) ? flags.Append(MailFlags.Recent) : flags;
        _writer.Raw("FLAGS ").AtomList(shown);
    }

    /// <summary>STORE and UID STORE (RFC 3501 §6.4.6): FLAGS, +FLAGS, -FLAGS, each optionally .SILENT.</summary>
    private string Store(IReadOnlyList<ImapArg> arguments, bool byUid)
    {
        SelectedFolder selected = _selected!;
        if (arguments.Count < 3) throw new ImapSyntaxException("Syntax: STORE sequence-set (+|-)FLAGS[.SILENT] (flags)");
        string operation = (arguments[1].Text ?? "").ToUpperInvariant();
        bool silent = operation.EndsWith(".SILENT", StringComparison.Ordinal);
        FlagChange change = operation.Replace(".SILENT", "", StringComparison.Ordinal) switch
        {
            "FLAGS" => FlagChange.Replace,
            "+FLAGS" => FlagChange.Add,
            "-FLAGS" => FlagChange.Remove,
            _ => throw new ImapSyntaxException($"Unknown STORE item '{arguments[1].Text}'"),
        };
        IEnumerable<ImapArg> flagArguments = arguments.Count == 3 && arguments[2] is ImapList list ? list.Items : arguments.Skip(2);
        IReadOnlySet<string> flags = MailFlags.Normalize(FlagNames(flagArguments));
        List<(int Sequence, ViewEntry Entry)> targets = Resolve(arguments[0], byUid);
        if (selected.ReadOnly) return "NO [READ-ONLY] The mailbox is read-only";
        _store.ChangeFlags(targets.Select(target => target.Entry.Message), change, flags);
        foreach ((int sequence, ViewEntry entry) in targets)
        {
            if (silent)
            {
                entry.Reported = entry.Message.Flags;
                continue;
            }
            _writer.Raw($"* {sequence} FETCH (");
            WriteFlags(entry);
            // RFC 3501 §6.4.8: the untagged FETCH of a UID STORE includes the UID.
            if (byUid) _writer.Raw($" UID {entry.Message.Uid}");
            _writer.Raw(")\r\n");
        }
        return byUid ? "OK UID STORE completed" : "OK STORE completed";
    }

    /// <summary>SEARCH and UID SEARCH (RFC 3501 §6.4.4).</summary>
    private string Search(IReadOnlyList<ImapArg> arguments, bool byUid)
    {
        SelectedFolder selected = _selected!;
        IReadOnlyList<ImapArg> keys = arguments;
        if (keys.Count >= 2 && keys[0] is ImapAtom { Value: var first } && first.Equals("CHARSET", StringComparison.OrdinalIgnoreCase))
        {
            string charset = keys[1].Text ?? "";
            if (!charset.Equals("UTF-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("US-ASCII", StringComparison.OrdinalIgnoreCase))
                return "NO [BADCHARSET (US-ASCII UTF-8)] Unsupported charset";
            keys = keys.Skip(2).ToList();
        }
        Func<SearchCandidate, bool> matches = ImapSearch.Parse(keys);
        uint largestSequence = (uint)selected.View.Count;
        uint largestUid = selected.View.Count == 0 ? 0 : selected.View[^1].Message.Uid;
        var found = new List<uint>();
        for (int i = 0; i < selected.View.Count; i++)
        {
            StoredMessage message = selected.View[i].Message;
            if (matches(new SearchCandidate((uint)i + 1, message, selected.IsRecent(message.Uid), largestSequence, largestUid)))
                found.Add(byUid ? message.Uid : (uint)i + 1);
        }
        Untagged(found.Count == 0 ? "SEARCH" : "SEARCH " + string.Join(' ', found));
        return byUid ? "OK UID SEARCH completed" : "OK SEARCH completed";
    }

    /// <summary>COPY and UID COPY (RFC 3501 §6.4.7), answered with COPYUID (RFC 4315 §3).</summary>
    private string Copy(IReadOnlyList<ImapArg> arguments, bool byUid)
    {
        Expect(arguments, 2, "COPY sequence-set mailbox");
        List<(int Sequence, ViewEntry Entry)> targets = Resolve(arguments[0], byUid);
        string? folder = FindFolder(arguments[1]);
        if (folder is null) return "NO [TRYCREATE] No such mailbox";
        string done = byUid ? "UID COPY completed" : "COPY completed";
        if (targets.Count == 0) return "OK " + done;
        List<StoredMessage> messages = targets.Select(target => target.Entry.Message).ToList();
        uint validity;
        IReadOnlyList<uint> newUids;
        try
        {
            (validity, newUids) = _store.Copy(_user, messages, folder);
        }
        catch (MailStoreFullException)
        {
            return "NO [OVERQUOTA] The mail store is full";
        }
        return $"OK [COPYUID {validity} {SequenceSet.Format(messages.Select(message => message.Uid).ToList())} {SequenceSet.Format(newUids)}] {done}";
    }

    /// <summary>IDLE (RFC 2177): tells the client of new mail as it arrives until it sends DONE.</summary>
    private async Task<string> IdleAsync(ImapCommand command)
    {
        if (command.Arguments.Count > 0) throw new ImapSyntaxException("IDLE takes no arguments");
        _connection.Write("+ idling\r\n");
        Task<ReceivedLine> done = _connection.ReadLineAsync(_options.MaxLineLength).AsTask();
        using var stopWaiting = new CancellationTokenSource();
        try
        {
            while (true)
            {
                SynchronizeSelected(allowExpunge: true);
                await _connection.FlushAsync();
                Task arrival = _mailArrived.WaitAsync(stopWaiting.Token);
                if (await Task.WhenAny(done, arrival) == done) break;
            }
        }
        finally
        {
            await stopWaiting.CancelAsync();
        }
        ReceivedLine line = await done;
        if (line.Status == LineStatus.Closed)
        {
            _state = ImapState.Logout;
            return "BAD Connection closed while idling";
        }
        return line.Status == LineStatus.Complete && line.Text.Equals("DONE", StringComparison.OrdinalIgnoreCase)
            ? "OK IDLE terminated"
            : "BAD Expected DONE";
    }

    /// <summary>
    /// Brings the session's view up to date with the store (RFC 3501 §7: untagged data before a completion): EXPUNGE
    /// for messages gone (when allowed), FETCH FLAGS for flags changed by another session, EXISTS and RECENT for new mail.
    /// </summary>
    private void SynchronizeSelected(bool allowExpunge)
    {
        if (_selected is not { } selected) return;
        FolderSnapshot snapshot = _store.Snapshot(_user, selected.Name);
        if (allowExpunge)
        {
            HashSet<uint> present = snapshot.Messages.Select(message => message.Uid).ToHashSet();
            // Highest first, so each number sent is still the one the client knows (each EXPUNGE renumbers the rest).
            for (int i = selected.View.Count - 1; i >= 0; i--)
            {
                if (present.Contains(selected.View[i].Message.Uid)) continue;
                Untagged($"{i + 1} EXPUNGE");
                selected.View.RemoveAt(i);
            }
        }
        for (int i = 0; i < selected.View.Count; i++)
        {
            ViewEntry entry = selected.View[i];
            if (ReferenceEquals(entry.Message.Flags, entry.Reported)) continue;
            _writer.Raw($"* {i + 1} FETCH (");
            WriteFlags(entry);
            _writer.Raw(")\r\n");
        }
        List<StoredMessage> arrived = snapshot.Messages.Where(message => message.Uid > selected.HighestUid).ToList();
        if (arrived.Count == 0) return;
        foreach (StoredMessage message in arrived) selected.Add(message);
        if (!selected.ReadOnly) selected.AddRecent(_store.ClaimRecent(_user, selected.Name));
        Untagged($"{selected.View.Count} EXISTS");
        Untagged($"{selected.RecentCount} RECENT");
    }

    /// <summary>The messages a sequence set names, by sequence number or by UID, with their sequence numbers.</summary>
    private List<(int Sequence, ViewEntry Entry)> Resolve(ImapArg argument, bool byUid)
    {
        List<ViewEntry> view = _selected!.View;
        if (argument.Text is not { } text || !SequenceSet.TryParse(text, out SequenceSet set)) throw new ImapSyntaxException("Invalid sequence set");
        var targets = new List<(int, ViewEntry)>();
        if (byUid)
        {
            // RFC 3501 §6.4.8: UIDs that do not exist are ignored; "*" is the largest UID in the mailbox.
            uint largest = view.Count == 0 ? 0 : view[^1].Message.Uid;
            for (int i = 0; i < view.Count; i++)
            {
                if (set.Contains(view[i].Message.Uid, largest)) targets.Add((i + 1, view[i]));
            }
            return targets;
        }
        if (!set.IsWithin((uint)view.Count)) throw new ImapSyntaxException("Invalid message sequence number");
        for (int i = 0; i < view.Count; i++)
        {
            if (set.Contains((uint)i + 1, (uint)view.Count)) targets.Add((i + 1, view[i]));
        }
        return targets;
    }

    /// <summary>One message as this session knows it, with the flags it was last told of.</summary>
    private sealed class ViewEntry(StoredMessage message)
    {
        public StoredMessage Message { get; } = message;
        public IReadOnlySet<string> Reported { get; set; } = message.Flags;
    }

    /// <summary>The selected folder: its name, mode, and the session's numbering of its messages.</summary>
    private sealed class SelectedFolder(string name, bool readOnly, IReadOnlySet<uint> recent)
    {
        private readonly HashSet<uint> _recent = [.. recent];

        public string Name { get; } = name;
        public bool ReadOnly { get; } = readOnly;
        public List<ViewEntry> View { get; } = [];
        public uint HighestUid { get; private set; }
        public int RecentCount => View.Count(entry => _recent.Contains(entry.Message.Uid));

        public bool IsRecent(uint uid) => _recent.Contains(uid);

        public void AddRecent(IEnumerable<uint> uids) => _recent.UnionWith(uids);

        public void Add(StoredMessage message)
        {
            View.Add(new ViewEntry(message));
            HighestUid = Math.Max(HighestUid, message.Uid);
        }
    }
}
