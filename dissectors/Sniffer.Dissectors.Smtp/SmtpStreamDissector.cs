using System.Buffers;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Core.Records;
using Sniffer.Core.Text;
using Sniffer.Dissectors.Mail;
using Sniffer.Dissectors.Smtp.Parsing;
using Sniffer.Dissectors.Smtp.Records;

namespace Sniffer.Dissectors.Smtp;

/// <summary>
/// The SMTP state machine of one connection (RFC 5321). The client side reads command lines, message content
/// after DATA (until CRLF.CRLF, dot-unstuffed) and BDAT chunks (RFC 3030); the server side reads whole replies.
/// Commands wait in a FIFO and each reply answers the oldest, which pairs pipelined groups in order (RFC 2920 §3).
/// Gaps inside content are counted into the message; elsewhere the side resumes at the next recognisable line.
/// </summary>
public sealed class SmtpStreamDissector : IStreamDissector, IDisposable
{
    private const string Source = "smtp";
    private const string Masked = "********";

    // A few unknown or garbled lines are ordinary (servers answer 500); this many in a row means it is not SMTP.
    private const int MaxInvalidCommandsInARow = 3;

    // Commands that end a resynchronisation after a gap: the verbs of RFC 5321 §4.1.1 and the extensions we follow.
    private static readonly HashSet<string> KnownVerbs =
        ["EHLO", "HELO", "MAIL", "RCPT", "DATA", "BDAT", "RSET", "VRFY", "EXPN", "HELP", "NOOP", "QUIT", "AUTH", "STARTTLS"];

    private readonly FlowContext _flow;
    private readonly IRecordSink _sink;
    private readonly DissectorSettings _settings;
    private readonly MessageSummaryCache? _summaries;
    private readonly SmtpSession _session;
    private readonly Queue<Pending> _pending = new();
    private readonly SmtpReplyProgress _replyProgress = new();

    // Bytes of the client's unconsumed line already searched for its LF (see SmtpLines.TryRead).
    private long _clientLineExamined;
    private readonly List<Transaction> _open = [];
    private ClientState _client = ClientState.Command;
    private ServerState _server = ServerState.Reply;
    private Transaction? _current;
    private Pending? _awaitingSasl;
    private bool _dataAtLineStart;
    private bool _dataAfterGap;
    private long _chunkRemaining;
    private bool _chunkIsLast;
    private int _invalidInARow;
    private bool _sawSmtp;
    private int _messageCount;
    private readonly bool[] _ended = new bool[2];
    private bool _finished;
    private long _nowNs;
    private bool _limitReported;

    // Replies still to come for commands recorded early without one; replies come in command order (RFC 2920 §3).
    private long _repliesOwedToEarlierRecords;

    // Far above what a client pipelines (a group ends at the next DATA, RFC 2920 §3.1) or a server accepts (RFC 5321
    // §4.5.3.1.8 asks for 100 recipients); each bounds what one hostile connection, or a capture without the server's
    // side, makes the dissector hold.
    private const int MaxPendingCommands = 1000;
    private const int MaxSessionCommands = 10_000;
    private const int MaxRecipients = 10_000;
    private const int MaxAuthentications = 1000;

    // The AUTH exchange that last succeeded (RFC 4954 §4: it lasts the whole session), so that each MAIL FROM does not
    // look for it through every AUTH the client sent.
    private SmtpAuthentication? _lastSucceeded;

    public SmtpStreamDissector(FlowContext flow, IRecordSink sink, DissectorSettings settings, MessageSummaryCache? summaries = null)
    {
        _flow = flow;
        _sink = sink;
        _settings = settings;
        _summaries = summaries;
        _session = new SmtpSession { FlowId = flow.FlowId, TimeNs = flow.FirstPacketNs };
        if (flow.PickedUpMidStream)
        {
            // Without the handshake the first bytes may be inside a message or a line: find a command or reply first.
            _client = ClientState.Resync;
            _server = ServerState.Resync;
        }
    }

    private enum ClientState
    {
        Command,

        /// <summary>Message content after DATA, up to the CRLF.CRLF that ends it (RFC 5321 §4.1.1.4).</summary>
        Data,

        /// <summary>The octets of a BDAT chunk: exactly the announced size, no dot-stuffing (RFC 3030 §3).</summary>
        Chunk,

        /// <summary>After a gap or an overlong line: dropping lines until one starts with a known verb.</summary>
        Resync,

        /// <summary>After STARTTLS: TLS from here on.</summary>
        Encrypted,

        Violated,
    }

    private enum ServerState
    {
        Reply,

        /// <summary>After a gap: dropping lines until one looks like a reply.</summary>
        Resync,

        Encrypted,
        Violated,
    }

    /// <summary>What a reply to a pending command means.</summary>
    private enum Kind
    {
        Hello,
        Auth,
        StartTls,
        Mail,
        Rcpt,
        Data,
        DataEnd,
        Bdat,
        Other,
    }

    public DissectStatus OnData(Direction direction, ref SequenceReader<byte> reader, IStreamClock clock)
    {
        if (!reader.End) _nowNs = clock.TimeAt(reader.Consumed);
        long start = reader.Consumed;
        DissectStatus status = direction == Direction.ClientToServer ? RunClient(ref reader, clock) : RunServer(ref reader, clock);
        if (status == DissectStatus.NeedMoreData && reader.Consumed > start) status = DissectStatus.Progress;
        return status;
    }

    public DissectStatus OnGap(Direction direction, long streamOffset, long length, long timeNs)
    {
        _nowNs = timeNs;
        if (direction == Direction.ServerToClient)
        {
            if (_server == ServerState.Encrypted) return DissectStatus.HandOff;
            if (_server == ServerState.Violated) return DissectStatus.Violation;
            Report(SmtpAnomalyKinds.ContentGap, $"s→c {length} bytes missing at stream offset {streamOffset}; replies may pair with the wrong commands");
            // The bytes of a reply in progress went with the gap.
            _replyProgress.Reset();
            _server = ServerState.Resync;
            return DissectStatus.Progress;
        }
        // The bytes of a line in progress went with the gap.
        _clientLineExamined = 0;
        switch (_client)
        {
            case ClientState.Encrypted:
                return DissectStatus.HandOff;
            case ClientState.Violated:
                return DissectStatus.Violation;
            case ClientState.Data:
                // The content goes on, but CRLF.CRLF may have been in the hole: the server's next reply tells (see Answer).
                Report(SmtpAnomalyKinds.ContentGap, $"c→s {length} message bytes missing at stream offset {streamOffset}");
                _current!.Builder!.AddGap(length);
                _dataAfterGap = true;
                _dataAtLineStart = false;
                return DissectStatus.Progress;
            case ClientState.Chunk when length <= _chunkRemaining:
                Report(SmtpAnomalyKinds.ContentGap, $"c→s {length} BDAT bytes missing at stream offset {streamOffset}");
                _current!.Builder!.AddGap(length);
                _chunkRemaining -= length;
                if (_chunkRemaining == 0) EndChunk(timeNs);
                return DissectStatus.Progress;
            case ClientState.Chunk:
                // The hole runs past the chunk: the BDAT commands that followed are lost with it.
                Report(SmtpAnomalyKinds.ContentGap, $"c→s BDAT chunk lost from stream offset {streamOffset} ({length} bytes missing)");
                _current!.Builder!.AddGap(_chunkRemaining);
                FinishMessage(_current, timeNs, complete: false);
                _client = ClientState.Resync;
                return DissectStatus.Progress;
            default:
                Report(SmtpAnomalyKinds.ContentGap, $"c→s {length} bytes missing at stream offset {streamOffset}; commands may be lost");
                _client = ClientState.Resync;
                return DissectStatus.Progress;
        }
    }

    public void OnEnd(Direction direction, StreamEndReason reason, long timeNs)
    {
        _nowNs = timeNs;
        _ended[(int)direction] = true;
        if (direction == Direction.ClientToServer && _client is ClientState.Data or ClientState.Chunk)
        {
            Report(SmtpAnomalyKinds.TruncatedMessage, $"c→s message content cut short by {reason}");
            FinishMessage(_current!, timeNs, complete: false);
            _client = ClientState.Command;
        }
        if (_ended[0] && _ended[1]) Finish(timeNs);
    }

    // ---- client side -------------------------------------------------------------------------------------------

    private DissectStatus RunClient(ref SequenceReader<byte> reader, IStreamClock clock)
    {
        while (true)
        {
            switch (_client)
            {
                case ClientState.Encrypted:
                    return DissectStatus.HandOff;
                case ClientState.Violated:
                    return DissectStatus.Violation;
                case ClientState.Data:
                    _clientLineExamined = 0;
                    if (!ReadData(ref reader, clock)) return DissectStatus.NeedMoreData;
                    break;
                case ClientState.Chunk:
                    _clientLineExamined = 0;
                    if (!ReadChunk(ref reader, clock)) return DissectStatus.NeedMoreData;
                    break;
                case ClientState.Command when _awaitingSasl is { } auth:
                    // RFC 4954 §4: after a 334 challenge the client's line is a base64 response, not a command.
                    SmtpParseStatus saslStatus = SmtpLines.TryRead(ref reader, _settings.MaxLineBytes, out ReadOnlySequence<byte> response, ref _clientLineExamined);
                    if (saslStatus == SmtpParseStatus.NeedMoreData) return DissectStatus.NeedMoreData;
                    if (saslStatus == SmtpParseStatus.LineTooLong)
                    {
                        Report(SmtpAnomalyKinds.LineTooLong, $"c→s SASL response longer than {_settings.MaxLineBytes} bytes");
                        return Violate(_nowNs);
                    }
                    SaslResponse(auth, SafeText.FromBytes(SmtpLines.ToArray(response)));
                    break;
                case ClientState.Command or ClientState.Resync:
                    long timeNs = clock.TimeAt(reader.Consumed);
                    SmtpParseStatus status = SmtpCommandParser.TryParse(ref reader, _settings.MaxLineBytes, out SmtpCommandLine line, ref _clientLineExamined);
                    switch (status)
                    {
                        case SmtpParseStatus.NeedMoreData:
                            return DissectStatus.NeedMoreData;
                        case SmtpParseStatus.LineTooLong when _client == ClientState.Resync:
                            // Still inside whatever the gap cut: drop it all and keep looking.
                            _clientLineExamined = 0;
                            reader.Advance(reader.Remaining);
                            return DissectStatus.NeedMoreData;
                        case SmtpParseStatus.LineTooLong:
                            Report(SmtpAnomalyKinds.LineTooLong, $"c→s command line longer than {_settings.MaxLineBytes} bytes", timeNs);
                            return Violate(timeNs);
                        case SmtpParseStatus.Invalid when _client == ClientState.Resync:
                            continue;
                        case SmtpParseStatus.Invalid:
                            Report(SmtpAnomalyKinds.InvalidCommand, $"c→s {SafeText.FromBytes(line.Argument, 200)}", timeNs);
                            // Garbage before anything SMTP-like means the port lied; later, a run of it means the peers stopped speaking SMTP.
                            if (!_sawSmtp || ++_invalidInARow >= MaxInvalidCommandsInARow) return Violate(timeNs);
                            continue;
                    }
                    if (_client == ClientState.Resync)
                    {
                        if (!KnownVerbs.Contains(line.Verb)) continue;
                        _client = ClientState.Command;
                    }
                    _invalidInARow = 0;
                    _sawSmtp = true;
                    Command(line, timeNs);
                    break;
            }
        }
    }

    private void Command(SmtpCommandLine line, long timeNs)
    {
        string argument = line.ArgumentText;
        Kind kind = Kind.Other;
        Transaction? transaction = null;
        SmtpRecipient? recipient = null;
        SmtpAuthentication? authentication = null;
        switch (line.Verb)
        {
            case "EHLO" or "HELO":
                // RFC 5321 §4.1.4: a new EHLO/HELO also clears any transaction in progress.
                CloseCurrent();
                kind = Kind.Hello;
                _session.HelloVerb = line.Verb;
                _session.Helo = argument;
                break;
            case "MAIL":
                CloseCurrent();
                SmtpCommandParser.TryParsePath(argument, "FROM:", out string reversePath, out string mailParameters);
                _current = transaction = new Transaction(new SmtpTransaction
                {
                    FlowId = _flow.FlowId,
                    TimeNs = timeNs,
                    Depth = ++_session.Transactions,
                    Helo = _session.Helo,
                    AuthUser = AuthenticatedUser(),
                    MailFrom = reversePath,
                    MailParameters = SmtpCommandParser.ParseParameters(mailParameters),
                });
                _open.Add(transaction);
                kind = Kind.Mail;
                break;
            case "RCPT" when _current is not null:
                SmtpCommandParser.TryParsePath(argument, "TO:", out string forwardPath, out string rcptParameters);
                recipient = new SmtpRecipient { Address = forwardPath, Parameters = rcptParameters };
                if (_current.Record.Recipients.Count < MaxRecipients) _current.Record.Add(recipient);
                else ReportLimitOnce($"a transaction named more than {MaxRecipients} recipients: the rest are not kept", timeNs);
                transaction = _current;
                kind = Kind.Rcpt;
                break;
            case "DATA" when _current is not null:
                // The client sends content only after 354 (RFC 2920 §3.1 keeps DATA last in a group), so what follows is the
                // message; if the server refuses DATA instead, Answer() returns to commands before any content arrives.
                transaction = _current;
                transaction.Record.ContentCommand = "DATA";
                transaction.Builder ??= new MailMessageBuilder(_settings, _flow.KeptBytesBudget, _summaries);
                kind = Kind.Data;
                _client = ClientState.Data;
                _dataAtLineStart = true;
                _dataAfterGap = false;
                break;
            case "BDAT":
                if (!TryParseBdat(argument, out long size, out bool last))
                {
                    Report(SmtpAnomalyKinds.InvalidBdat, $"c→s BDAT {argument}", timeNs);
                    break;
                }
                // RFC 3030 §3: BDAT without a MAIL FROM is answered 503, but its octets still follow on the wire.
                _current ??= OrphanTransaction(timeNs);
                transaction = _current;
                transaction.Record.ContentCommand = "BDAT";
                transaction.Record.Chunks++;
                transaction.Builder ??= new MailMessageBuilder(_settings, _flow.KeptBytesBudget, _summaries);
                kind = Kind.Bdat;
                _chunkRemaining = size;
                _chunkIsLast = last;
                _client = ClientState.Chunk;
                break;
            case "AUTH":
                string[] words = argument.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
                authentication = new SmtpAuthentication { Mechanism = words.Length > 0 ? words[0].ToUpperInvariant() : "" };
                if (_session.AuthenticationList.Count < MaxAuthentications) _session.AuthenticationList.Add(authentication);
                else ReportLimitOnce($"more than {MaxAuthentications} AUTH exchanges in the session: the rest are followed, not listed", timeNs);
                kind = Kind.Auth;
                if (words.Length == 2)
                {
                    // RFC 4954 §4: an initial response saves a round trip; "=" stands for an empty one.
                    Reveal(authentication, step: 0, words[1]);
                    argument = _settings.ShowSecrets ? argument : $"{words[0]} {Masked}";
                }
                break;
            case "STARTTLS":
                kind = Kind.StartTls;
                break;
            case "RSET" or "QUIT":
                CloseCurrent();
                break;
        }

        // Commands without a part in the transaction (NOOP, VRFY, a malformed BDAT) still happen during it.
        transaction ??= _current;
        var command = new SmtpCommand { Verb = line.Verb, Argument = argument, TimeNs = timeNs, Pipelined = _pending.Count > 0 };
        List(command);
        Enqueue(new Pending
        {
            Command = command,
            Kind = kind,
            Transaction = transaction,
            Recipient = recipient,
            Authentication = authentication,
            LastChunk = kind == Kind.Bdat && _chunkIsLast,
            SaslSteps = authentication?.User is not null || authentication?.Secret is not null ? 1 : 0,
        });
        if (kind == Kind.Bdat && _chunkRemaining == 0) EndChunk(timeNs);
    }

    /// <summary>Who the session last authenticated as (RFC 4954 §4: a successful AUTH lasts the whole session).</summary>
    private string? AuthenticatedUser() => _lastSucceeded?.User;

    private Transaction OrphanTransaction(long timeNs)
    {
        var transaction = new Transaction(new SmtpTransaction
        {
            FlowId = _flow.FlowId,
            TimeNs = timeNs,
            Depth = ++_session.Transactions,
            Helo = _session.Helo,
            AuthUser = AuthenticatedUser(),
            MailFrom = "",
        });
        _open.Add(transaction);
        return transaction;
    }

    // RFC 3030 §3: "BDAT" SP chunk-size [ SP end-marker ], end-marker = "LAST".
    private static bool TryParseBdat(string argument, out long size, out bool last)
    {
        string[] words = argument.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        last = words.Length == 2 && words[1].Equals("LAST", StringComparison.OrdinalIgnoreCase);
        return long.TryParse(words.Length > 0 ? words[0] : "", System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out size)
            && (words.Length == 1 || last);
    }

    private void Enqueue(Pending pending)
    {
        if (_pending.Count == MaxPendingCommands)
        {
            // The oldest goes without its reply, so what the session holds stays bounded however long the server is
            // silent (or the capture misses its side); the next reply is counted as its.
            ReportLimitOnce($"more than {MaxPendingCommands} commands awaiting a reply: the oldest are recorded without one", pending.Command.TimeNs);
            Pending oldest = _pending.Dequeue();
            _repliesOwedToEarlierRecords++;
            if (oldest.Transaction is { } owner)
            {
                owner.Awaiting--;
                EmitIfSettled(owner);
            }
        }
        if (pending.Transaction is { } transaction) transaction.Awaiting++;
        _pending.Enqueue(pending);
    }

    private void List(SmtpCommand command)
    {
        if (_session.CommandList.Count < MaxSessionCommands) _session.CommandList.Add(command);
        else ReportLimitOnce($"more than {MaxSessionCommands} commands in the session: the rest are answered, not listed", command.TimeNs);
    }

    /// <summary>One anomaly per session for its limits: a client that hits one hits it on every command after.</summary>
    private void ReportLimitOnce(string detail, long timeNs)
    {
        if (_limitReported) return;
        _limitReported = true;
        Report(SmtpAnomalyKinds.SessionLimit, detail, timeNs);
    }

    private void SaslResponse(Pending auth, string response)
    {
        _awaitingSasl = null;
        SmtpAuthentication authentication = auth.Authentication!;
        if (response == "*")
        {
            // RFC 4954 §4: the client cancels; the server answers 501.
            authentication.Outcome = SmtpAuthOutcome.Cancelled;
            return;
        }
        Reveal(authentication, auth.SaslSteps++, response);
    }

    private void Reveal(SmtpAuthentication authentication, int step, string response)
    {
        (string? user, string? secret) = SmtpSaslDecoder.Decode(authentication.Mechanism, step, response);
        if (user is not null) authentication.User = user;
        if (secret is not null) authentication.Secret = _settings.ShowSecrets ? secret : Masked;
    }

    /// <summary>Message content after DATA: copies whole lines, drops the stuffed dot (RFC 5321 §4.5.2), stops at CRLF.CRLF.</summary>
    private bool ReadData(ref SequenceReader<byte> reader, IStreamClock clock)
    {
        MailMessageBuilder builder = _current!.Builder!;
        while (!reader.End)
        {
            if (_dataAtLineStart)
            {
                if (!reader.TryPeek(out byte first)) return false;
                if (first == (byte)'.')
                {
                    // Need ".", CR and LF to tell the end of the content from a stuffed line.
                    if (reader.Remaining < 3)
                    {
                        if (reader.Remaining == 2 && !reader.IsNext(".\r"u8)) reader.Advance(1);
                        else return false;
                        _dataAtLineStart = false;
                        continue;
                    }
                    if (reader.IsNext(".\r\n"u8))
                    {
                        // RFC 5321 §4.1.1.4: the CRLF before the dot belongs to the message; the dot line does not.
                        long timeNs = clock.TimeAt(reader.Consumed);
                        reader.Advance(3);
                        EndOfData(timeNs);
                        return true;
                    }
                    reader.Advance(1);
                }
                _dataAtLineStart = false;
            }
            // Only a line that starts with a dot is not content as it stands (RFC 5321 §4.5.2), so everything up to the
            // next one goes to the message in one piece rather than line by line.
            ReadOnlySpan<byte> span = reader.UnreadSpan;
            int dotLine = span.IndexOf("\n."u8);
            int take = dotLine < 0 ? span.Length : dotLine + 1;
            builder.Append(span[..take]);
            reader.Advance(take);
            _dataAtLineStart = span[take - 1] == (byte)'\n';
        }
        return false;
    }

    private void EndOfData(long timeNs)
    {
        Transaction transaction = _current!;
        FinishMessage(transaction, timeNs, complete: true);
        var end = new SmtpCommand { Verb = ".", TimeNs = timeNs, Pipelined = _pending.Count > 0 };
        List(end);
        Enqueue(new Pending { Command = end, Kind = Kind.DataEnd, Transaction = transaction });
        _client = ClientState.Command;
    }

    private bool ReadChunk(ref SequenceReader<byte> reader, IStreamClock clock)
    {
        while (_chunkRemaining > 0)
        {
            if (reader.End) return false;
            ReadOnlySpan<byte> span = reader.UnreadSpan;
            int take = (int)Math.Min(span.Length, _chunkRemaining);
            _current!.Builder!.Append(span[..take]);
            reader.Advance(take);
            _chunkRemaining -= take;
        }
        EndChunk(clock.TimeAt(Math.Max(0, reader.Consumed - 1)));
        return true;
    }

    private void EndChunk(long timeNs)
    {
        _client = ClientState.Command;
        if (_chunkIsLast) FinishMessage(_current!, timeNs, complete: true);
    }

    /// <summary>The flow table dropped this dissector (handed off, disabled, or the flow is gone): messages in progress give their bytes back.</summary>
    public void Dispose()
    {
        _current?.Builder?.Dispose();
        foreach (Pending pending in _pending) pending.Transaction?.Builder?.Dispose();
    }

    private void FinishMessage(Transaction transaction, long timeNs, bool complete)
    {
        MailMessageBuilder builder = transaction.Builder!;
        transaction.Builder = null;
        using (builder)
        {
            MailMessage message = builder.Build(Source, (++_messageCount).ToString(System.Globalization.CultureInfo.InvariantCulture), _flow.FlowId, timeNs, complete);
            SmtpTransaction record = transaction.Record;
            record.Message = message;
            if (!message.Complete) Report(MailAnomalyKinds.IncompleteMessage, $"message {message.Id}: {message.MissingBytes} bytes known missing", timeNs);
            if (builder.Truncation(message) is { } cut) Report(cut.Kind, cut.Detail, timeNs);
            foreach (string problem in message.Summary.Problems) Report(MailAnomalyKinds.MalformedMessage, $"message {message.Id}: {problem}", timeNs);
            CheckEightBit(record, message, timeNs);
            record.EnvelopeDifferences = EnvelopeComparison.Compare(record, message);
            _sink.Emit(message);
        }
        // The content ends the transaction; its last reply may still be on the way.
        transaction.Closed = true;
        if (ReferenceEquals(_current, transaction)) _current = null;
        EmitIfSettled(transaction);
    }

    private void CheckEightBit(SmtpTransaction record, MailMessage message, long timeNs)
    {
        if (!message.Has8BitData) return;
        // RFC 6152 §3 (8BITMIME), RFC 3030 §3 (BINARYMIME), RFC 6531 §3.4 (SMTPUTF8) declare 8-bit content.
        bool declared = record.MailParameters.TryGetValue("BODY", out string? body)
            && (body.Equals("8BITMIME", StringComparison.OrdinalIgnoreCase) || body.Equals("BINARYMIME", StringComparison.OrdinalIgnoreCase))
            || record.MailParameters.ContainsKey("SMTPUTF8");
        if (!declared) Report(SmtpAnomalyKinds.EightBitWithout8BitMime, $"message {message.Id} has 8-bit bytes but MAIL FROM did not declare BODY=8BITMIME", timeNs);
    }

    // ---- server side -------------------------------------------------------------------------------------------

    private DissectStatus RunServer(ref SequenceReader<byte> reader, IStreamClock clock)
    {
        while (true)
        {
            switch (_server)
            {
                case ServerState.Encrypted:
                    return DissectStatus.HandOff;
                case ServerState.Violated:
                    return DissectStatus.Violation;
                case ServerState.Resync:
                    // Drop lines until one starts like a reply (three digits and a separator).
                    if (reader.End) return DissectStatus.NeedMoreData;
                    if (reader.UnreadSpan.Length >= 4 && SmtpReplyParser.LooksLikeReply(reader.UnreadSpan))
                    {
                        _server = ServerState.Reply;
                        continue;
                    }
                    if (SmtpLines.TryRead(ref reader, _settings.MaxLineBytes, out _) != SmtpParseStatus.Complete)
                    {
                        if (reader.Remaining < 4) return DissectStatus.NeedMoreData;
                        reader.Advance(reader.Remaining);
                        return DissectStatus.NeedMoreData;
                    }
                    continue;
            }
            if (reader.End) return DissectStatus.NeedMoreData;
            long firstByteNs = clock.TimeAt(reader.Consumed);
            switch (SmtpReplyParser.TryParse(ref reader, _settings.MaxLineBytes, _settings.MaxHeaderCount, out SmtpReply? reply, _replyProgress))
            {
                case SmtpParseStatus.NeedMoreData:
                    return DissectStatus.NeedMoreData;
                case SmtpParseStatus.LineTooLong:
                    Report(SmtpAnomalyKinds.LineTooLong, $"s→c reply line longer than {_settings.MaxLineBytes} bytes", firstByteNs);
                    return Violate(firstByteNs);
                case SmtpParseStatus.Invalid:
                    Report(SmtpAnomalyKinds.InvalidReply, $"s→c {SafeText.FromBytes(reader.UnreadSpan, 200)}", firstByteNs);
                    return Violate(firstByteNs);
            }
            _sawSmtp = true;
            _session.LastReply = reply;
            if (Answer(reply!, firstByteNs))
            {
                // RFC 3207 §4: after 220 to STARTTLS both sides start TLS; nothing after is SMTP.
                _client = ClientState.Encrypted;
                _server = ServerState.Encrypted;
                Finish(firstByteNs);
                return DissectStatus.HandOff;
            }
        }
    }

    /// <summary>Pairs a reply with the oldest unanswered command; true when it starts TLS.</summary>
    private bool Answer(SmtpReply reply, long timeNs)
    {
        if (_client == ClientState.Data && _dataAfterGap && _pending.Count == 0)
        {
            // A reply while content after a gap is still being read: the CRLF.CRLF was in the hole and this answers it.
            Transaction interrupted = _current!;
            FinishMessage(interrupted, timeNs, complete: false);
            interrupted.Record.LastReply = reply;
            SettleContent(interrupted, reply);
            EmitIfSettled(interrupted);
            _client = ClientState.Resync;
            return false;
        }
        if (_repliesOwedToEarlierRecords > 0)
        {
            _repliesOwedToEarlierRecords--;
            return false;
        }
        if (!_pending.TryPeek(out Pending? pending))
        {
            // RFC 5321 §3.1: the first reply is the greeting; 421 may come unasked at any time (§3.8).
            if (_session.Greeting is null && _session.CommandList.Count == 0 && !_flow.PickedUpMidStream) _session.Greeting = reply;
            else if (reply.Code != 421) Report(SmtpAnomalyKinds.UnexpectedReply, $"s→c {reply}", timeNs);
            return false;
        }

        SmtpCommand command = pending.Command;
        command.LatencyNs ??= timeNs - command.TimeNs;
        if (pending.Kind == Kind.Auth && reply.Code == 334)
        {
            // RFC 4954 §4: a challenge; the client's next line is a SASL response, and the AUTH stays pending.
            command.AddIntermediate(reply);
            _awaitingSasl = pending;
            return false;
        }
        _pending.Dequeue();
        command.Reply = reply;
        if (pending.Transaction is { } owner)
        {
            owner.Awaiting--;
            owner.Record.LastReply = reply;
        }

        bool startTls = false;
        switch (pending.Kind)
        {
            case Kind.Hello when reply.IsPositive && command.Verb == "EHLO":
                // RFC 5321 §4.1.1.1: the first line greets, each further line names one extension.
                _session.Extensions = reply.Lines.Skip(1).ToArray();
                break;
            case Kind.Auth:
                _awaitingSasl = null;
                SmtpAuthentication authentication = pending.Authentication!;
                authentication.Reply = reply;
                if (authentication.Outcome != SmtpAuthOutcome.Cancelled)
                {
                    authentication.Outcome = reply.IsPositive ? SmtpAuthOutcome.Succeeded : SmtpAuthOutcome.Failed;
                    if (reply.IsPositive) _lastSucceeded = authentication;
                }
                break;
            case Kind.StartTls:
                startTls = reply.Code == 220;
                _session.StartTls |= startTls;
                break;
            case Kind.Mail:
                pending.Transaction!.Record.MailReply = reply;
                break;
            case Kind.Rcpt:
                pending.Recipient!.Reply = reply;
                break;
            case Kind.Data when reply.Code != 354:
                // DATA refused (typically 554 with no valid recipients): no content follows (RFC 5321 §3.3).
                SettleContent(pending.Transaction, reply);
                if (_client == ClientState.Data && pending.Transaction!.Builder is { Size: 0 })
                {
                    pending.Transaction.Builder.Dispose();
                    pending.Transaction.Builder = null;
                    pending.Transaction.Record.ContentCommand = null;
                    _client = ClientState.Command;
                }
                break;
            case Kind.DataEnd:
                SettleContent(pending.Transaction, reply);
                break;
            case Kind.Bdat:
                // RFC 3030 §2: a refused chunk fails the whole message; the reply to LAST settles it otherwise.
                if (!reply.IsPositive || pending.LastChunk) SettleContent(pending.Transaction, reply);
                break;
        }
        if (pending.Transaction is { } transaction) EmitIfSettled(transaction);
        return startTls;
    }

    private static void SettleContent(Transaction? transaction, SmtpReply reply)
    {
        if (transaction is null || transaction.Record.DataOutcome == SmtpDataOutcome.Rejected) return;
        transaction.Record.DataReply = reply;
        transaction.Record.DataOutcome = reply.IsPositive ? SmtpDataOutcome.Accepted : SmtpDataOutcome.Rejected;
    }

    // ---- records -----------------------------------------------------------------------------------------------

    private void CloseCurrent()
    {
        if (_current is null) return;
        _current.Closed = true;
        Transaction closed = _current;
        _current = null;
        EmitIfSettled(closed);
    }

    private void EmitIfSettled(Transaction transaction)
    {
        if (!transaction.Closed || transaction.Awaiting > 0 || transaction.Emitted) return;
        Emit(transaction);
    }

    private void Emit(Transaction transaction)
    {
        transaction.Emitted = true;
        _open.Remove(transaction);
        SmtpTransaction record = transaction.Record;
        if (record is { ContentCommand: not null, DataOutcome: SmtpDataOutcome.NotSent }) record.DataOutcome = SmtpDataOutcome.Unanswered;
        _sink.Emit(record);
    }

    /// <summary>Emits what is still open and the session itself, once: at the end of both sides, at STARTTLS, or on a violation.</summary>
    private void Finish(long timeNs)
    {
        if (_finished) return;
        _finished = true;
        if (_current?.Builder is not null) FinishMessage(_current, timeNs, complete: false);
        foreach (Transaction transaction in _open.ToArray()) Emit(transaction);
        _sink.Emit(_session);
    }

    private DissectStatus Violate(long timeNs)
    {
        _client = ClientState.Violated;
        _server = ServerState.Violated;
        Finish(timeNs);
        return DissectStatus.Violation;
    }

    private void Report(string kind, string detail, long? timeNs = null) =>
        _sink.Emit(new Anomaly { FlowId = _flow.FlowId, TimeNs = timeNs ?? _nowNs, Kind = kind, Source = Source, Detail = detail });

    /// <summary>A mail transaction while it is being built: its record, its content, and the replies it still awaits.</summary>
    private sealed class Transaction(SmtpTransaction record)
    {
        public SmtpTransaction Record { get; } = record;
        public MailMessageBuilder? Builder { get; set; }
        public int Awaiting { get; set; }
        public bool Closed { get; set; }
        public bool Emitted { get; set; }
    }

    /// <summary>A command waiting for its reply, with what the reply will settle.</summary>
    private sealed class Pending
    {
        public required SmtpCommand Command { get; init; }
        public Kind Kind { get; init; }
        public Transaction? Transaction { get; init; }
        public SmtpRecipient? Recipient { get; init; }
        public SmtpAuthentication? Authentication { get; init; }

        /// <summary>BDAT … LAST: its reply settles the message (RFC 3030 §2).</summary>
        public bool LastChunk { get; init; }

        /// <summary>SASL responses the client has sent so far in this exchange, an initial response included.</summary>
        public int SaslSteps { get; set; }
    }
}
