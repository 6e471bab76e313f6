using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Core.Records;
using Sniffer.Core.Text;
using Sniffer.Dissectors.Imap.Parsing;
using Sniffer.Dissectors.Imap.Records;
using Sniffer.Dissectors.Mail;

namespace Sniffer.Dissectors.Imap;

/// <summary>
/// The IMAP state machine of one connection (RFC 9051, RFC 3501). Each direction is framed into logical lines by
/// an <see cref="ImapTokenizer"/>; commands wait by tag for their tagged completions, so pipelined commands pair
/// whatever order the server answers in (§5.5). Untagged data rebuilds the folders and messages the client learnt
/// of; message content (FETCH body sections, APPEND) becomes <see cref="ImapMessageTransfer"/> records.
/// </summary>
public sealed class ImapStreamDissector : IStreamDissector, IDisposable
{
    private const string Source = "imap";

    private readonly FlowContext _flow;
    private readonly IRecordSink _sink;
    private readonly DissectorSettings _settings;
    private readonly MessageSummaryCache? _summaries;
    private readonly ImapTokenizer _client;
    private readonly ImapTokenizer _server;
    private readonly PendingCommands _pending = new();
    private readonly Dictionary<string, ImapFolder> _folders = new(StringComparer.Ordinal);
    private readonly bool[] _resyncing = new bool[2];
    private readonly bool[] _ended = new bool[2];
    private readonly InflatedDirection?[] _inflated = new InflatedDirection?[2];
    private ImapState _state;
    private ImapFolder? _selected;

    // The last SELECT or EXAMINE sent: pipelined ones complete in any order but run in the order sent.
    private PendingCommand? _latestOpening;
    private string? _greeting;
    private IReadOnlyList<string> _capabilities = [];
    private string? _user;
    private int _failedLogins;
    private int _commandCount;
    private bool _encrypted;
    private bool _compressed;
    private bool _handedOff;
    private int _mailMessages;
    private long _nowNs;
    private bool _limitReported;

    // What the inflaters of a compressed connection took of the budget; given back when the dissector is dropped.
    private long _inflaterBytes;

    // Far above what a client pipelines (MailKit waits for each completion), a SEARCH of a large mailbox answers, or
    // a day of IDLE on a busy one brings; each bounds what one hostile connection makes the dissector hold.
    private const int MaxPendingCommands = 1000;
    private const int MaxSearchResults = 1_000_000;
    private const int MaxIdleUpdates = 10_000;
    private const int MaxFolders = 10_000;
    private const int MaxMessageSummaries = 100_000;
    private int _messageSummaries;

    // SASL mechanisms finish in a few round trips (PLAIN one, LOGIN two, SCRAM two, GSSAPI a handful); a server that
    // keeps answering "+" must not make the client's lines pile up.
    private const int MaxSaslResponses = 16;

    public ImapStreamDissector(FlowContext flow, IRecordSink sink, DissectorSettings settings, MessageSummaryCache? summaries = null)
    {
        _flow = flow;
        _sink = sink;
        _settings = settings;
        _summaries = summaries;
        _client = new ImapTokenizer(ImapLineKind.Command, settings, flow.KeptBytesBudget);
        _server = new ImapTokenizer(ImapLineKind.Response, settings, flow.KeptBytesBudget);
        if (flow.PickedUpMidStream)
        {
            // Without the SYN the first bytes may be inside a literal: look for a line start first.
            _client.OnGap(0, out _);
            _server.OnGap(0, out _);
        }
    }

    public DissectStatus OnData(Direction direction, ref SequenceReader<byte> reader, IStreamClock clock)
    {
        if (_handedOff) return DissectStatus.HandOff;
        long start = reader.Consumed;
        if (!reader.End) _nowNs = clock.TimeAt(reader.Consumed);
        if (_inflated[(int)direction] is null)
        {
            ReadLines(direction, ref reader, clock);
            if (_handedOff) return DissectStatus.HandOff;
            if (_inflated[(int)direction] is null || reader.End) return reader.Consumed > start ? DissectStatus.Progress : DissectStatus.NeedMoreData;
        }

        // RFC 4978 §3: after COMPRESS's OK every byte is deflate, the rest of this very buffer included.
        InflatedDirection inflated = _inflated[(int)direction]!;
        inflated.Add(reader.UnreadSequence, clock.TimeAt(reader.Consumed));
        reader.AdvanceToEnd();
        while (!_handedOff)
        {
            try
            {
                if (!inflated.InflateMore()) break;
            }
            catch (InvalidDataException error)
            {
                return LoseCompressedStream(direction, error.Message);
            }
            var inner = new SequenceReader<byte>(inflated.Pending);
            ReadLines(direction, ref inner, inflated);
            inflated.Consume(inner.Consumed);
        }
        return _handedOff ? DissectStatus.HandOff : DissectStatus.Progress;
    }

    /// <summary>Reads and handles lines until the bytes run out, the connection is handed off, or COMPRESS switched this direction to deflate.</summary>
    private void ReadLines(Direction direction, ref SequenceReader<byte> reader, IStreamClock clock)
    {
        ImapTokenizer tokenizer = TokenizerOf(direction);
        bool compressed = _inflated[(int)direction] is not null;
        while (true)
        {
            ImapReadStatus status = tokenizer.TryRead(ref reader, clock, out ImapLine? line);
            if (status == ImapReadStatus.NeedMoreData) return;
            if (status == ImapReadStatus.LineTooLong)
            {
                Report(ImapAnomalyKinds.LineTooLong, $"{direction.Label()} line longer than {_settings.MaxLineBytes} bytes");
                _resyncing[(int)direction] = true;
                continue;
            }
            if (status == ImapReadStatus.LiteralTooLarge)
            {
                Report(ImapAnomalyKinds.LiteralTooLarge, $"{direction.Label()} literal over {_settings.MaxLiteralBytes} bytes: the rest is counted, not kept");
                continue;
            }
            if (_resyncing[(int)direction])
            {
                _resyncing[(int)direction] = false;
                Report(ImapAnomalyKinds.Resynchronised, $"{direction.Label()} skipped {tokenizer.SkippedBytes} bytes to the next line");
            }
            _nowNs = line!.StartNs;
            Handle(direction, line);
            if (_handedOff || (!compressed && _inflated[(int)direction] is not null)) return;
        }
    }

    private DissectStatus LoseCompressedStream(Direction direction, string why)
    {
        Report(ImapAnomalyKinds.CompressedStreamLost, $"{direction.Label()} {why}");
        _handedOff = true;
        return DissectStatus.HandOff;
    }

    public DissectStatus OnGap(Direction direction, long streamOffset, long length, long timeNs)
    {
        if (_handedOff) return DissectStatus.HandOff;
        _nowNs = timeNs;
        // Deflate carries its window across the whole stream (RFC 1951 §2): nothing after a hole can be inflated.
        if (_inflated[(int)direction] is not null) return LoseCompressedStream(direction, $"{length} compressed bytes missing at stream offset {streamOffset}");
        ImapTokenizer tokenizer = TokenizerOf(direction);
        bool inLiteral = tokenizer.Mode == ImapTokenizerMode.Literal;
        tokenizer.OnGap(length, out ImapLine? cut);
        if (inLiteral && tokenizer.Mode != ImapTokenizerMode.Resync)
        {
            Report(ImapAnomalyKinds.LiteralGap, $"{direction.Label()} {length} literal bytes missing at stream offset {streamOffset}");
            return DissectStatus.Progress;
        }
        Report(ImapAnomalyKinds.LineGap, $"{direction.Label()} {length} bytes missing at stream offset {streamOffset}");
        _resyncing[(int)direction] = true;
        if (cut is not null) Handle(direction, cut);
        return _handedOff ? DissectStatus.HandOff : DissectStatus.Progress;
    }

    public void OnEnd(Direction direction, StreamEndReason reason, long timeNs)
    {
        _nowNs = timeNs;
        if (!_handedOff && TokenizerOf(direction).TakeUnfinished() is { } unfinished)
        {
            Report(ImapAnomalyKinds.Truncated, $"{direction.Label()} ended by {reason} inside: {unfinished.Head}");
            Handle(direction, unfinished);
        }
        _ended[(int)direction] = true;
        _inflated[(int)direction]?.Dispose();
        if (!_ended[0] || !_ended[1]) return;
        foreach (PendingCommand command in _pending.All) Emit(command, completion: null);
        _pending.Clear();
        _sink.Emit(new ImapSession
        {
            FlowId = _flow.FlowId,
            TimeNs = _flow.FirstPacketNs,
            Greeting = _greeting,
            Capabilities = _capabilities,
            UserName = _user,
            Authenticated = _state is ImapState.Authenticated or ImapState.Selected || (_state == ImapState.Logout && _user is not null),
            FailedLogins = _failedLogins,
            FinalState = _state,
            Encrypted = _encrypted,
            Compressed = _compressed,
            Commands = _commandCount,
            Folders = _folders.Values.ToList(),
        });
    }

    /// <summary>The flow table dropped this dissector (handed off, disabled, or the flow is gone): what it holds goes back.</summary>
    public void Dispose()
    {
        _client.Abandon();
        _server.Abandon();
        foreach (InflatedDirection? inflated in _inflated) inflated?.Dispose();
        _flow.KeptBytesBudget.Return(_inflaterBytes);
        _inflaterBytes = 0;
    }

    private void Handle(Direction direction, ImapLine line)
    {
        foreach (ImapToken token in line.Tokens)
        {
            if (token.Literal is { BudgetExhausted: true } literal)
            {
                Report(AnomalyKinds.KeptBytesLimit, _flow.KeptBytesBudget.ExhaustedDetail($"{direction.Label()} literal", literal.Data.Length, literal.ReceivedBytes));
            }
        }
        if (direction == Direction.ClientToServer) HandleClientLine(line);
        else HandleServerLine(line);
    }

    // ---- client ----

    private void HandleClientLine(ImapLine line)
    {
        // A client line answering a continuation is not a command: a SASL response (RFC 9051 §6.2.2) or IDLE's DONE (RFC 2177 §3).
        if (_pending.TakeClientLineWaiter() is { } waiting)
        {
            if (waiting.Name == "IDLE")
            {
                waiting.IdleDoneNs = line.StartNs;
                return;
            }
            if (waiting.Name == "AUTHENTICATE")
            {
                // "*" cancels the exchange (RFC 9051 §6.2.2); the server then answers BAD.
                if (line.TokenAt(0) is not { Text: not "*" } response) return;
                if (waiting.SaslResponses.Count < MaxSaslResponses) waiting.SaslResponses.Add(response.Text);
                else ReportLimitOnce($"AUTHENTICATE {SafeText.Escape(waiting.Tag)} went on for more than {MaxSaslResponses} client responses: the rest are not kept");
                return;
            }
        }

        if (line.Tokens.Count < 2 || line.Tokens[0].Kind != ImapTokenKind.Atom || line.Tokens[1].Kind != ImapTokenKind.Atom)
        {
            Report(ImapAnomalyKinds.MalformedCommand, $"c→s {line.Head}");
            return;
        }
        string tag = line.Tokens[0].Text;
        string name = line.Tokens[1].Text.ToUpperInvariant();
        int argumentsStart = 2;
        if (name == "UID" && line.TokenAt(2) is { Kind: ImapTokenKind.Atom } uidCommand)
        {
            // RFC 9051 §6.4.9: UID COPY, MOVE, FETCH, SEARCH, STORE, EXPUNGE.
            name = "UID " + uidCommand.Text.ToUpperInvariant();
            argumentsStart = 3;
        }
        IReadOnlyList<ImapValue> arguments = ImapValue.Parse(line.Tokens, argumentsStart);
        if (_pending.HasTag(tag)) Report(ImapAnomalyKinds.DuplicateTag, $"c→s tag {SafeText.Escape(tag)} reused while pending");
        var command = new PendingCommand(++_commandCount, tag, name, arguments, line, _state);
        command.Mailbox = name switch
        {
            "SELECT" or "EXAMINE" or "STATUS" or "APPEND" or "CREATE" or "DELETE" or "RENAME" or "SUBSCRIBE" or "UNSUBSCRIBE"
                => MailboxName(arguments.ElementAtOrDefault(0).Text),
            "COPY" or "MOVE" or "UID COPY" or "UID MOVE" => MailboxName(arguments.ElementAtOrDefault(1).Text),
            _ => _selected?.Name,
        };
        switch (name)
        {
            case "LOGIN":
                command.Credentials = new ImapCredentials
                {
                    Mechanism = "LOGIN",
                    UserName = arguments.ElementAtOrDefault(0).Text,
                    Secret = Secret(arguments.ElementAtOrDefault(1).Text),
                };
                break;
            case "AUTHENTICATE" when arguments.Count > 1 && arguments[1].Text is { } initialResponse:
                command.SaslResponses.Add(initialResponse);
                break;
            case "SELECT" or "EXAMINE":
                // The untagged data before the completion describe the mailbox being opened (RFC 9051 §6.3.2).
                _selected = command.Opens = FolderNamed(command.Mailbox);
                _latestOpening = command;
                break;
            case "APPEND":
                // The message is the last literal among the arguments (RFC 9051 §6.3.12; MULTIAPPEND, RFC 3502, sends
                // several). It is read now, not at the completion: a client sending APPENDs with LITERAL+ (RFC 7888)
                // without waiting would otherwise make every pending command hold a whole message.
                foreach (ImapValue literal in arguments.Where(a => a.Literal is { Refused: false }))
                {
                    OnContent(line, ImapTransferOrigin.Append, tag, command.Mailbox, message: null, sequenceNumber: null, "APPEND", literal);
                    literal.Literal!.Forget();
                }
                break;
        }
        if (_pending.Count == MaxPendingCommands)
        {
            // Every line is matched against the pending commands, so an unbounded list would cost memory and time
            // quadratic in a client that never waits for completions.
            ReportLimitOnce($"more than {MaxPendingCommands} commands awaiting completion: the oldest are recorded without one");
            Emit(_pending.TakeOldest(), completion: null);
        }
        _pending.Add(command);
    }

    private string Arguments(PendingCommand command)
    {
        IEnumerable<string> shown = command.Arguments.Select(a => a.ToString());
        if (command.Name == "LOGIN" && command.Arguments.Count > 1)
        {
            shown = [command.Arguments[0].ToString(), _settings.ShowSecrets ? command.Arguments[1].ToString() : ImapCredentials.Mask];
        }
        else if (command.Name == "AUTHENTICATE" && command.Arguments.Count > 1 && !_settings.ShowSecrets)
        {
            shown = [command.Arguments[0].ToString(), ImapCredentials.Mask];
        }
        return string.Join(' ', shown);
    }

    private string? Secret(string? secret) => secret is null || _settings.ShowSecrets ? secret : ImapCredentials.Mask;

    // ---- server ----

    private void HandleServerLine(ImapLine line)
    {
        ImapToken? first = line.TokenAt(0);
        if (first is not { Kind: ImapTokenKind.Atom } || (line.Tokens.Count < 2 && first.Value.Text != "+"))
        {
            Report(ImapAnomalyKinds.MalformedResponse, $"s→c {line.Head}");
            return;
        }
        ImapTokenizer client = TokenizerOf(Direction.ClientToServer);
        string? awaiting = client.AwaitingInvitation;
        switch (first.Value.Text)
        {
            case "+" when awaiting is not null:
                client.Invite();
                break;
            case "+":
                OnContinuation(line);
                break;
            case "*":
                OnUntagged(line);
                break;
            default:
                // A tagged answer to a command still waiting to send its synchronising literal refuses the literal
                // (RFC 9051 §4.3): the command ends there, and it completes with this very response.
                if (first.Value.Text == awaiting) Handle(Direction.ClientToServer, client.RefuseLiteral());
                OnTagged(line);
                break;
        }
    }

    private void OnContinuation(ImapLine line)
    {
        // The continuation answers the newest command still waiting on the server (RFC 9051 §7.5).
        PendingCommand? command = _pending.Newest;
        if (command is null) return;
        command.Continuations++;
        if (command.Name is "AUTHENTICATE" or "IDLE") _pending.AwaitClientLine(command);
    }

    private void OnUntagged(ImapLine line)
    {
        IReadOnlyList<ImapValue> values = ImapValue.Parse(line.Tokens, 1);
        if (values.Count == 0) return;
        if (values[0].Number is { } number && values.ElementAtOrDefault(1).Text is { } numberedKind)
        {
            OnNumbered(line, number, numberedKind.ToUpperInvariant(), values);
            return;
        }
        string kind = values[0].Text?.ToUpperInvariant() ?? "";
        PendingCommand? owner = _pending.Owner(kind);
        if (owner is not null) Attribute(owner, line);
        switch (kind)
        {
            case "OK" or "NO" or "BAD" or "PREAUTH" or "BYE":
                OnStatus(kind, values.Skip(1).ToList(), line);
                break;
            case "CAPABILITY":
                _capabilities = values.Skip(1).Select(v => v.Text ?? "").ToList();
                break;
            case "LIST" or "LSUB":
                if (values.Count >= 4 && MailboxName(values[3].Text) is { } name)
                {
                    ImapFolder folder = FolderNamed(name);
                    folder.Attributes = values[1].Items.Select(v => v.Text ?? "").ToList();
                    folder.Delimiter = values[2].Text;
                }
                break;
            case "STATUS":
                if (values.Count >= 3 && MailboxName(values[1].Text) is { } statusName)
                {
                    // RFC 9051 §7.2.4: name value pairs.
                    ImapFolder folder = FolderNamed(statusName);
                    IReadOnlyList<ImapValue> items = values[2].Items;
                    for (int i = 0; i + 1 < items.Count; i += 2)
                    {
                        long? value = items[i + 1].Number;
                        switch (items[i].Text?.ToUpperInvariant())
                        {
                            case "MESSAGES": folder.Exists = value; break;
                            case "RECENT": folder.Recent = value; break;
                            case "UNSEEN": folder.Unseen = value; break;
                            case "UIDNEXT": folder.UidNext = value; break;
                            case "UIDVALIDITY": folder.UidValidity = value; break;
                        }
                    }
                }
                break;
            case "SEARCH":
                if (owner is null) break;
                foreach (ImapValue value in values.Skip(1))
                {
                    if (value.Number is not { } found) continue;
                    if (owner.SearchResults.Count == MaxSearchResults)
                    {
                        ReportLimitOnce($"{owner.Name} {SafeText.Escape(owner.Tag)} answered more than {MaxSearchResults} message numbers: the rest are not kept");
                        break;
                    }
                    owner.SearchResults.Add(found);
                }
                break;
            case "FLAGS":
                if (_selected is not null && values.Count > 1) _selected.Flags = values[1].Items.Select(v => v.Text ?? "").ToList();
                break;
        }
    }

    private void OnNumbered(ImapLine line, long number, string kind, IReadOnlyList<ImapValue> values)
    {
        PendingCommand? owner = _pending.Owner(kind);
        if (owner is not null) Attribute(owner, line);
        ImapFolder folder = _selected ??= FolderNamed(UnknownFolder);
        switch (kind)
        {
            case "EXISTS":
                folder.Exists = number;
                break;
            case "RECENT":
                folder.Recent = number;
                break;
            case "EXPUNGE":
                Expunge(folder, number);
                break;
            case "FETCH" when values.Count > 2:
                OnFetch(line, folder, number, values[2].Items, owner);
                break;
        }
    }

    /// <summary>RFC 9051 §7.5.2: a FETCH response is a list of data item names and values.</summary>
    private void OnFetch(ImapLine line, ImapFolder folder, long sequenceNumber, IReadOnlyList<ImapValue> items, PendingCommand? owner)
    {
        long? uid = null;
        for (int i = 0; i + 1 < items.Count; i += 2)
        {
            if (items[i].Text?.Equals("UID", StringComparison.OrdinalIgnoreCase) == true) uid = items[i + 1].Number;
        }
        ImapMessageSummary message = MessageOf(folder, sequenceNumber, uid);
        for (int i = 0; i + 1 < items.Count; i += 2)
        {
            string item = items[i].Text ?? "";
            ImapValue value = items[i + 1];
            string itemName = item.ToUpperInvariant();
            switch (itemName)
            {
                case "FLAGS":
                    message.Flags = value.Items.Select(v => v.Text ?? "").ToList();
                    break;
                case "RFC822.SIZE":
                    message.Size = value.Number;
                    break;
                case "INTERNALDATE":
                    message.InternalDate = value.Text;
                    break;
                case "ENVELOPE":
                    ApplyEnvelope(message, value.Items);
                    break;
                default:
                    if (value.Literal is not null || value.Token?.Kind == ImapTokenKind.Quoted)
                    {
                        OnContent(line, ImapTransferOrigin.Fetch, owner?.Tag, folder.Name, message, sequenceNumber, item, value);
                    }
                    break;
            }
        }
    }

    /// <summary>Content of a body section (RFC 9051 §7.5.2 BODY[section]&lt;origin&gt;, RFC822*, BINARY[] of RFC 3516) or an APPEND literal.</summary>
    private void OnContent(ImapLine line, ImapTransferOrigin origin, string? tag, string? folder, ImapMessageSummary? message, long? sequenceNumber, string item, ImapValue value)
    {
        string upper = item.ToUpperInvariant();
        int bracket = upper.IndexOf('[');
        int closing = upper.LastIndexOf(']');
        // A server may send an item with a '[' but no ']' after it ("BODY[HEADER"): no section can be read from it.
        string section = bracket < 0 || closing < bracket ? "" : upper[(bracket + 1)..closing];
        bool partial = upper.EndsWith('>');
        string name = bracket < 0 ? upper : upper[..bracket];
        bool whole = !partial && (origin == ImapTransferOrigin.Append || upper == "RFC822" || (name is "BODY" or "BINARY" && section.Length == 0));
        bool header = !partial && (whole || upper == "RFC822.HEADER" || (name == "BODY" && section.StartsWith("HEADER", StringComparison.Ordinal)));

        ImapLiteral? literal = value.Literal;
        ReadOnlyMemory<byte> data = literal?.Data ?? System.Text.Encoding.UTF8.GetBytes(value.Text ?? "");
        HeaderFields? fields = header ? HeaderFields.Read(data) : null;
        if (fields is not null && message is not null)
        {
            message.Subject ??= fields.Subject;
            if (message.From.Count == 0) message.From = fields.From;
            if (message.To.Count == 0) message.To = fields.To;
            if (message.Cc.Count == 0) message.Cc = fields.Cc;
            message.Date ??= fields.Date;
            message.MessageId ??= fields.MessageId;
        }
        bool complete = literal?.Complete ?? !line.Incomplete;
        if (literal is not null && !complete && literal.MissingBytes == 0)
        {
            // The line ended (gap or end of stream) before the literal did.
            literal.AddMissing(literal.Remaining);
        }
        string? mailId = null;
        string? mailSha256 = null;
        if (whole)
        {
            // The whole message goes to the shared mail model, as SMTP's DATA does.
            using var builder = new MailMessageBuilder(_settings, _flow.KeptBytesBudget, _summaries);
            builder.AppendWhole(data);
            if (literal is { MissingBytes: > 0 } lossy) builder.AddGap(lossy.MissingBytes);
            MailMessage mail = builder.Build(Source, (++_mailMessages).ToString(System.Globalization.CultureInfo.InvariantCulture), _flow.FlowId, line.StartNs, complete);
            _sink.Emit(mail);
            mailId = mail.Id;
            mailSha256 = mail.Sha256;
            // The literal fitted MaxLiteralBytes but the message is still cut to MaxMessageBytes, as SMTP's DATA would be.
            if (builder.Truncation(mail) is { } cut) Report(cut.Kind, cut.Detail);
        }
        _sink.Emit(new ImapMessageTransfer
        {
            FlowId = _flow.FlowId,
            TimeNs = line.StartNs,
            Origin = origin,
            Tag = tag,
            Folder = folder,
            SequenceNumber = sequenceNumber,
            Uid = message?.Uid,
            Item = item,
            WholeMessage = whole,
            Partial = partial,
            Size = literal?.DeclaredLength ?? data.Length,
            CapturedBytes = literal?.ReceivedBytes ?? data.Length,
            Complete = complete,
            Truncated = literal?.Truncated ?? false,
            // The message's hash covers every byte appended to it, so for a whole message it is this very hash.
            Sha256 = complete && !(literal?.Truncated ?? false) ? mailSha256 ?? Convert.ToHexStringLower(SHA256.HashData(data.Span)) : null,
            Subject = fields?.Subject,
            From = fields?.From ?? [],
            To = fields?.To ?? [],
            Date = fields?.Date,
            MessageId = fields?.MessageId,
            MailMessageId = mailId,
        });
    }

    /// <summary>RFC 9051 §7.5.2 envelope: date, subject, from, sender, reply-to, to, cc, bcc, in-reply-to, message-id.</summary>
    private static void ApplyEnvelope(ImapMessageSummary message, IReadOnlyList<ImapValue> envelope)
    {
        message.Date = envelope.ElementAtOrDefault(0).Text ?? message.Date;
        if (envelope.ElementAtOrDefault(1).Text is { } subject) message.Subject = MimeKit.Utils.Rfc2047.DecodeText(System.Text.Encoding.UTF8.GetBytes(subject));
        message.From = Addresses(envelope.ElementAtOrDefault(2));
        message.To = Addresses(envelope.ElementAtOrDefault(5));
        message.Cc = Addresses(envelope.ElementAtOrDefault(6));
        message.MessageId = envelope.ElementAtOrDefault(9).Text ?? message.MessageId;

        // An address is (name adl mailbox host); a NIL host marks the start or end of a group (RFC 9051 §7.5.2).
        static IReadOnlyList<string> Addresses(ImapValue list) =>
            list.Items.Where(a => a.ItemAt(3)?.Text is not null && a.ItemAt(2)?.Text is not null)
                .Select(a => $"{a.ItemAt(2)!.Value.Text}@{a.ItemAt(3)!.Value.Text}").ToList();
    }

    private void OnStatus(string status, IReadOnlyList<ImapValue> rest, ImapLine line)
    {
        if (_greeting is null && _state == ImapState.Unknown)
        {
            // The greeting (RFC 9051 §7.1.1): PREAUTH skips authentication, BYE refuses the connection.
            _greeting = ResponseText(line, 2);
            _state = status switch { "PREAUTH" => ImapState.Authenticated, "BYE" => ImapState.Logout, _ => ImapState.NotAuthenticated };
        }
        else if (status == "BYE")
        {
            _state = ImapState.Logout;
        }
        if (ResponseCode(rest) is not { } code) return;
        string[] parts = code.Split(' ', 2);
        string argument = parts.Length > 1 ? parts[1] : "";
        long? number = long.TryParse(argument, out long n) ? n : null;
        switch (parts[0].ToUpperInvariant())
        {
            case "CAPABILITY":
                _capabilities = argument.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                break;
            case "UIDVALIDITY" when _selected is not null:
                _selected.UidValidity = number;
                break;
            case "UIDNEXT" when _selected is not null:
                _selected.UidNext = number;
                break;
        }
    }

    private void OnTagged(ImapLine line)
    {
        string tag = line.Tokens[0].Text;
        PendingCommand? command = _pending.TakeTagged(tag);
        string status = line.Tokens[1].Text.ToUpperInvariant();
        IReadOnlyList<ImapValue> rest = ImapValue.Parse(line.Tokens, 2);
        if (status == "OK" && ResponseCode(rest) is { } code && code.StartsWith("CAPABILITY ", StringComparison.OrdinalIgnoreCase))
        {
            _capabilities = code[11..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }
        if (command is null)
        {
            Report(ImapAnomalyKinds.UnknownTag, $"s→c {line.Head}");
            return;
        }
        ApplyCompletion(command, status);
        Emit(command, new Completion(status, ResponseCode(rest), ResponseText(line, 2), line.StartNs));
    }

    /// <summary>State changes a completion causes (RFC 9051 §3 and the commands' own sections).</summary>
    private void ApplyCompletion(PendingCommand command, string status)
    {
        bool ok = status == "OK";
        switch (command.Name)
        {
            case "LOGIN" or "AUTHENTICATE":
                if (ok)
                {
                    _state = ImapState.Authenticated;
                    _user = CredentialsOf(command)?.UserName;
                }
                else
                {
                    _failedLogins++;
                }
                break;
            case "SELECT" or "EXAMINE":
                if (ok) command.Opens!.Selected = true;
                // Only the last one sent decides what is selected now, whichever completes last; a failed SELECT
                // leaves no mailbox selected (RFC 9051 §6.3.2).
                if (command != _latestOpening) break;
                _state = ok ? ImapState.Selected : ImapState.Authenticated;
                _selected = ok ? command.Opens : null;
                break;
            case "CLOSE" or "UNSELECT" when ok && (_latestOpening is null || command.Index > _latestOpening.Index):
                _state = ImapState.Authenticated;
                _selected = null;
                break;
            case "LOGOUT":
                _state = ImapState.Logout;
                break;
            case "APPEND" or "CREATE" when ok:
                FolderNamed(command.Mailbox);
                break;
            case "STARTTLS" when ok:
                // RFC 9051 §6.2.1: TLS negotiation starts right after the CRLF of this OK; the rest is opaque.
                _encrypted = true;
                _handedOff = true;
                break;
            case "COMPRESS" when ok:
                // RFC 4978 §3: both directions are deflate streams from the byte after this CRLF on. Their inflaters
                // are held for the rest of the connection, so they come out of the budget all flows share.
                if (!_flow.KeptBytesBudget.TryReserve(2 * InflatedDirection.HeldBytes))
                {
                    Report(AnomalyKinds.KeptBytesLimit, _flow.KeptBytesBudget.NoRoomDetail("inflate after COMPRESS", "the rest of the connection is not read"));
                    _handedOff = true;
                    break;
                }
                _inflaterBytes = 2 * InflatedDirection.HeldBytes;
                _compressed = true;
                _inflated[0] = new InflatedDirection();
                _inflated[1] = new InflatedDirection();
                // A client line in progress was searched as plain bytes; from here on its bytes go through the inflater.
                _client.RestartLineSearch();
                _server.RestartLineSearch();
                break;
        }
    }

    private void Emit(PendingCommand command, Completion? completion)
    {
        long? latency = completion is null ? null : Math.Max(0, completion.StartNs - command.Line.EndNs);
        _sink.Emit(new ImapCommandRecord
        {
            FlowId = _flow.FlowId,
            TimeNs = command.Line.StartNs,
            Index = command.Index,
            Tag = command.Tag,
            Command = command.Name,
            Arguments = Arguments(command),
            Status = completion?.Status,
            ResponseCode = completion?.Code,
            ResponseText = completion?.Text,
            StateBefore = command.StateBefore,
            StateAfter = _state,
            Mailbox = command.Mailbox,
            RequestEndNs = command.Line.EndNs,
            CompletedNs = completion?.StartNs,
            LatencyNs = latency,
            UntaggedResponses = command.Untagged,
            ContinuationRequests = command.Continuations,
            SearchResults = command.SearchResults,
            Credentials = CredentialsOf(command),
            IdleUpdates = command.IdleUpdates,
            IdleDoneNs = command.IdleDoneNs,
            Complete = !command.Line.Incomplete,
        });
    }

    private ImapCredentials? CredentialsOf(PendingCommand command)
    {
        if (command.Credentials is not null || command.Name != "AUTHENTICATE") return command.Credentials;
        string mechanism = command.Arguments.ElementAtOrDefault(0).Text?.ToUpperInvariant() ?? "";
        (string? user, string? secret) = SaslCredentials.Read(mechanism, command.SaslResponses);
        return command.Credentials = new ImapCredentials { Mechanism = mechanism, Sasl = true, UserName = user, Secret = Secret(secret) };
    }

    private void Attribute(PendingCommand owner, ImapLine line)
    {
        owner.Untagged++;
        if (owner.Name != "IDLE" || owner.IdleDoneNs is not null) return;
        if (owner.IdleUpdates.Count < MaxIdleUpdates) owner.IdleUpdates.Add(line.Head);
        else ReportLimitOnce($"IDLE {SafeText.Escape(owner.Tag)} received more than {MaxIdleUpdates} updates: the rest are counted, not kept");
    }

    private static void Expunge(ImapFolder folder, long number)
    {
        if (folder.Exists > 0) folder.Exists--;
        folder.Expunge(number);
    }

    /// <summary>One anomaly per connection for its limits: a client that hits one hits it on every line after.</summary>
    private void ReportLimitOnce(string detail)
    {
        if (_limitReported) return;
        _limitReported = true;
        Report(ImapAnomalyKinds.CommandLimit, detail);
    }

    private ImapMessageSummary MessageOf(ImapFolder folder, long sequenceNumber, long? uid)
    {
        ImapMessageSummary? message = uid is { } known ? folder.FindByUid(known) : null;
        // The message that holds the number, unless it has another UID: then this one is new and takes the number.
        if (message is null && folder.FindBySequence(sequenceNumber) is { } numbered && (uid is null || numbered.Uid is null)) message = numbered;
        if (message is null) return Describe(folder, new ImapMessageSummary { Uid = uid }, sequenceNumber);
        folder.Renumber(message, sequenceNumber, uid);
        return message;
    }

    /// <summary>A message not known before, kept in its folder while the connection's bound allows.</summary>
    private ImapMessageSummary Describe(ImapFolder folder, ImapMessageSummary message, long sequenceNumber)
    {
        if (_messageSummaries == MaxMessageSummaries)
        {
            // Its data are read into a summary nobody keeps.
            ReportLimitOnce($"more than {MaxMessageSummaries} messages described on one connection: the rest are not kept");
            return message;
        }
        _messageSummaries++;
        folder.Add(message, sequenceNumber);
        return message;
    }

    /// <summary>The folder for untagged mailbox data when no SELECT was seen (the capture began after it).</summary>
    private const string UnknownFolder = "(unknown)";

    private ImapFolder FolderNamed(string? name)
    {
        name ??= UnknownFolder;
        if (_folders.TryGetValue(name, out ImapFolder? folder)) return folder;
        folder = new ImapFolder { Name = name };
        if (_folders.Count == MaxFolders)
        {
            ReportLimitOnce($"more than {MaxFolders} mailboxes named on one connection: the rest are not kept");
            return folder;
        }
        _folders[name] = folder;
        return folder;
    }

    /// <summary>
    /// INBOX is case-insensitive (RFC 9051 §5.1); other names are modified UTF-7 (RFC 3501 §5.1.3), decoded here, and
    /// compared as sent. A server that enabled UTF8=ACCEPT (RFC 6855) sends UTF-8, which has no "&amp;" to decode.
    /// </summary>
    private static string? MailboxName(string? name) =>
        name is null ? null
        : name.Equals("INBOX", StringComparison.OrdinalIgnoreCase) ? "INBOX"
        : ModifiedUtf7.Decode(name);

    /// <summary>The resp-text-code of a status response: its first token when bracketed (RFC 9051 §7.1).</summary>
    private static string? ResponseCode(IReadOnlyList<ImapValue> rest) =>
        rest.FirstOrDefault().Token is { Kind: ImapTokenKind.Atom, Text: ['[', .., ']'] code } ? code[1..^1] : null;

    /// <summary>The human-readable text after the status word and the code.</summary>
    private static string ResponseText(ImapLine line, int statusIndex)
    {
        string text = line.Head;
        for (int word = 0; word < statusIndex; word++)
        {
            int space = text.IndexOf(' ');
            text = space < 0 ? "" : text[(space + 1)..];
        }
        if (text.StartsWith('['))
        {
            int close = text.IndexOf(']');
            text = close < 0 ? "" : text[(close + 1)..].TrimStart();
        }
        return text;
    }

    private void Report(string kind, string detail) =>
        _sink.Emit(new Anomaly { FlowId = _flow.FlowId, TimeNs = _nowNs, Kind = kind, Source = Source, Detail = SafeText.Escape(detail) });

    private ImapTokenizer TokenizerOf(Direction direction) => direction == Direction.ClientToServer ? _client : _server;

    private sealed record Completion(string Status, string? Code, string Text, long StartNs);

    /// <summary>A command waiting for its tagged completion.</summary>
    private sealed class PendingCommand(int index, string tag, string name, IReadOnlyList<ImapValue> arguments, ImapLine line, ImapState stateBefore)
    {
        public int Index { get; } = index;
        public string Tag { get; } = tag;
        public string Name { get; } = name;
        public IReadOnlyList<ImapValue> Arguments { get; } = arguments;
        public ImapLine Line { get; } = line;
        public ImapState StateBefore { get; } = stateBefore;
        public string? Mailbox { get; set; }

        /// <summary>The mailbox a SELECT or EXAMINE opens.</summary>
        public ImapFolder? Opens { get; set; }

        public ImapCredentials? Credentials { get; set; }
        public List<string> SaslResponses { get; } = [];

        /// <summary>The server sent "+" and the client's next line answers it rather than starting a command.</summary>
        public bool AwaitingClientLine { get; set; }

        public int Untagged { get; set; }
        public int Continuations { get; set; }
        public List<long> SearchResults { get; } = [];
        public List<string> IdleUpdates { get; } = [];
        public long? IdleDoneNs { get; set; }
    }

    /// <summary>
    /// The commands awaiting their completion, oldest first, with what every line asks of them at hand: whether a tag
    /// is pending, which command waits for a client line, which one an untagged response answers. With up to
    /// <see cref="MaxPendingCommands"/> pending, scanning the list for these cost a thousand comparisons a line.
    /// </summary>
    private sealed class PendingCommands
    {
        private readonly List<PendingCommand> _commands = [];
        private readonly Dictionary<string, int> _tags = new(StringComparer.Ordinal);
        private int _waitingForClientLine;

        // The owner found for the last kind of untagged response asked about. Untagged data come by the thousand for
        // one command (the answer to FETCH 1:*), and the owner changes only when a command comes or goes.
        private string? _ownerKind;
        private PendingCommand? _owner;

        public int Count => _commands.Count;

        public IReadOnlyList<PendingCommand> All => _commands;

        public PendingCommand? Newest => _commands.Count > 0 ? _commands[^1] : null;

        public bool HasTag(string tag) => _tags.ContainsKey(tag);

        public void Add(PendingCommand command)
        {
            _commands.Add(command);
            CollectionsMarshal.GetValueRefOrAddDefault(_tags, command.Tag, out _)++;
            _ownerKind = null;
        }

        public PendingCommand TakeOldest() => TakeAt(0);

        /// <summary>The oldest pending command tagged <paramref name="tag"/>, no longer pending; null when none is.</summary>
        public PendingCommand? TakeTagged(string tag) => HasTag(tag) ? TakeAt(_commands.FindIndex(p => p.Tag == tag)) : null;

        public void Clear()
        {
            _commands.Clear();
            _tags.Clear();
            _waitingForClientLine = 0;
            _ownerKind = null;
        }

        /// <summary>The server sent "+" to <paramref name="command"/>: the client's next line answers it.</summary>
        public void AwaitClientLine(PendingCommand command)
        {
            if (command.AwaitingClientLine) return;
            command.AwaitingClientLine = true;
            _waitingForClientLine++;
        }

        /// <summary>The newest command waiting for a client line, which the line now answers; null when none waits.</summary>
        public PendingCommand? TakeClientLineWaiter()
        {
            if (_waitingForClientLine == 0) return null;
            for (int i = _commands.Count - 1; i >= 0; i--)
            {
                if (!_commands[i].AwaitingClientLine) continue;
                _commands[i].AwaitingClientLine = false;
                _waitingForClientLine--;
                return _commands[i];
            }
            return null;
        }

        /// <summary>
        /// The pending command an untagged response of <paramref name="kind"/> answers: the oldest of the commands that
        /// ask for it, else the oldest pending (an EXISTS or an alert is the server's own news, heard during whatever
        /// runs; data sent while IDLE go to the IDLE). Unsolicited data with nothing pending belong to no command.
        /// </summary>
        public PendingCommand? Owner(string kind)
        {
            if (_commands.Count == 0) return null;
            if (_ownerKind == kind) return _owner;
            PendingCommand owner = _commands[0];
            if (CommandsAnsweredBy.TryGetValue(kind, out string[]? commands))
            {
                foreach (PendingCommand pending in _commands)
                {
                    if (Array.IndexOf(commands, pending.Name) < 0) continue;
                    owner = pending;
                    break;
                }
            }
            (_ownerKind, _owner) = (kind, owner);
            return owner;
        }

        // Looked up once per kind of untagged response: no list of candidates is built per line.
        private static readonly Dictionary<string, string[]> CommandsAnsweredBy = new(StringComparer.Ordinal)
        {
            ["LIST"] = ["LIST", "LSUB"],
            ["LSUB"] = ["LIST", "LSUB"],
            ["STATUS"] = ["STATUS"],
            ["SEARCH"] = ["SEARCH", "UID SEARCH"],
            ["ESEARCH"] = ["SEARCH", "UID SEARCH"],
            ["CAPABILITY"] = ["CAPABILITY"],
            ["FETCH"] = ["FETCH", "UID FETCH", "STORE", "UID STORE"],
        };

        private PendingCommand TakeAt(int index)
        {
            PendingCommand command = _commands[index];
            _commands.RemoveAt(index);
            if (--CollectionsMarshal.GetValueRefOrNullRef(_tags, command.Tag) == 0) _tags.Remove(command.Tag);
            if (command.AwaitingClientLine)
            {
                command.AwaitingClientLine = false;
                _waitingForClientLine--;
            }
            _ownerKind = null;
            return command;
        }
    }
}
