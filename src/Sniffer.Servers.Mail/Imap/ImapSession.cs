using System.Text;
using System.Text.RegularExpressions;
using Sniffer.Servers.Mail.Net;

namespace Sniffer.Servers.Mail;

/// <summary>The connection states of RFC 3501 §3.</summary>
internal enum ImapState { NotAuthenticated, Authenticated, Selected, Logout }

/// <summary>
/// One IMAP connection: reads commands (literals by count), checks each against the connection state, answers with
/// untagged data then the tagged completion, and tells the client of mailbox changes (new mail, expunges, flags)
/// before each completion and while it IDLEs.
/// </summary>
internal sealed partial class ImapSession
{
    private const string Capabilities = ImapTestServer.Capabilities;

    /// <summary>BAD replies and failed logins tolerated before the server hangs up (so no client can loop forever).</summary>
    private const int MaxStrikes = 20;

    private static readonly HashSet<string> AnyState = ["CAPABILITY", "NOOP", "LOGOUT"];
    private static readonly HashSet<string> NotAuthenticatedOnly = ["LOGIN", "AUTHENTICATE"];
    private static readonly HashSet<string> Authenticated = ["SELECT", "EXAMINE", "CREATE", "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "LIST", "LSUB", "STATUS", "APPEND", "IDLE"];
    private static readonly HashSet<string> SelectedOnly = ["CHECK", "CLOSE", "EXPUNGE", "SEARCH", "FETCH", "STORE", "COPY", "UID"];

    private readonly MailStore _store;
    private readonly ImapTestServerOptions _options;
    private readonly LineConnection _connection;
    private readonly ImapCommandReader _reader;
    private readonly ImapWriter _writer;
    private readonly SemaphoreSlim _mailArrived = new(0, 1);
    private ImapState _state = ImapState.NotAuthenticated;
    private string _user = "";
    private int _strikes;

    public ImapSession(MailStore store, ImapTestServerOptions options, LineConnection connection)
    {
        _store = store;
        _options = options;
        _connection = connection;
        _reader = new ImapCommandReader(connection, options);
        _writer = new ImapWriter(connection.Output);
    }

    public async Task RunAsync()
    {
        _store.MessageArrived += OnMessageArrived;
        try
        {
            Untagged($"OK [CAPABILITY {Capabilities}] Sniffer IMAP test server ready");
            while (_state != ImapState.Logout)
            {
                if (!_connection.HasBufferedLine) await _connection.FlushAsync();
                CommandRead read = await _reader.ReadAsync();
                switch (read.Status)
                {
                    case CommandReadStatus.Closed:
                        if (read.Goodbye is not null) _connection.Write(read.Goodbye + "\r\n");
                        await _connection.FlushAsync();
                        return;
                    case CommandReadStatus.LiteralRefused:
                        Tagged(read.Tag ?? "*", "NO [TOOBIG] Literal too large");
                        continue;
                }
                if (read.Command is null) Bad(read.Tag ?? "*", read.SyntaxError!);
                else await ExecuteAsync(read.Command);
            }
            await _connection.FlushAsync();
        }
        catch (TimeoutException)
        {
            // RFC 3501 §5.4: the autologout timer ran out.
            Untagged("BYE Autologout; idle for too long");
            await _connection.FlushAsync();
        }
        finally
        {
            _store.MessageArrived -= OnMessageArrived;
            _mailArrived.Dispose();
        }
    }

    private async Task ExecuteAsync(ImapCommand command)
    {
        string name = command.Name;
        string? refusal = StateRefusal(name);
        if (refusal is not null)
        {
            Bad(command.Tag, refusal);
            return;
        }
        string completion;
        try
        {
            completion = await DispatchAsync(command);
        }
        catch (ImapSyntaxException e)
        {
            Bad(command.Tag, e.Message);
            return;
        }
        if (_state == ImapState.Selected)
        {
            // RFC 3501 §7.4.1: no EXPUNGE while answering FETCH, STORE or SEARCH (their UID forms may have them).
            SynchronizeSelected(allowExpunge: name is not ("FETCH" or "STORE" or "SEARCH"));
        }
        Tagged(command.Tag, completion);
    }

    private string? StateRefusal(string name)
    {
        if (AnyState.Contains(name)) return null;
        if (NotAuthenticatedOnly.Contains(name)) return _state == ImapState.NotAuthenticated ? null : "Already authenticated";
        if (Authenticated.Contains(name)) return _state == ImapState.NotAuthenticated ? $"{name} needs authentication first" : null;
        if (SelectedOnly.Contains(name)) return _state == ImapState.Selected ? null : $"{name} needs a selected mailbox";
        return "Unknown command";
    }

    private Task<string> DispatchAsync(ImapCommand command) => command.Name switch
    {
        "CAPABILITY" => Done(Capability()),
        "NOOP" => Done("OK NOOP completed"),
        "LOGOUT" => Done(Logout()),
        "LOGIN" => Done(Login(command.Arguments)),
        "AUTHENTICATE" => AuthenticateAsync(command.Arguments),
        "SELECT" => Done(Select(command.Arguments, readOnly: false)),
        "EXAMINE" => Done(Select(command.Arguments, readOnly: true)),
        "CREATE" or "DELETE" or "RENAME" => Done("NO [CANNOT] This test server has a fixed set of folders"),
        "SUBSCRIBE" => Done(Subscribe(command.Arguments)),
        "UNSUBSCRIBE" => Done("NO [CANNOT] Every folder here is always subscribed"),
        "LIST" or "LSUB" => Done(List(command.Name, command.Arguments)),
        "STATUS" => Done(Status(command.Arguments)),
        "APPEND" => Done(Append(command.Arguments)),
        "IDLE" => IdleAsync(command),
        "CHECK" => Done("OK CHECK completed"),
        "CLOSE" => Done(Close()),
        "EXPUNGE" => Done(Expunge(command.Arguments, byUid: false)),
        "UID" => Uid(command.Arguments),
        _ => MessageCommandAsync(command.Name, command.Arguments, byUid: false),
    };

    private static Task<string> Done(string completion) => Task.FromResult(completion);

    private string Capability()
    {
        Untagged($"CAPABILITY {Capabilities}");
        return "OK CAPABILITY completed";
    }

    private string Logout()
    {
        Untagged("BYE Sniffer IMAP test server logging out");
        _state = ImapState.Logout;
        return "OK LOGOUT completed";
    }

    private string Login(IReadOnlyList<ImapArg> arguments)
    {
        Expect(arguments, 2, "LOGIN user password");
        return CompleteLogin(AString(arguments[0]), AString(arguments[1]), "LOGIN");
    }

    /// <summary>AUTHENTICATE PLAIN (RFC 3501 §6.2.2, RFC 4616), with or without an initial response.</summary>
    private async Task<string> AuthenticateAsync(IReadOnlyList<ImapArg> arguments)
    {
        if (arguments.Count is < 1 or > 2) throw new ImapSyntaxException("Syntax: AUTHENTICATE mechanism");
        if (!AString(arguments[0]).Equals("PLAIN", StringComparison.OrdinalIgnoreCase)) return "NO Unsupported authentication mechanism";
        string response;
        if (arguments.Count == 2)
        {
            response = AString(arguments[1]);
        }
        else
        {
            _connection.Write("+ \r\n");
            await _connection.FlushAsync();
            ReceivedLine line = await _connection.ReadLineAsync(_options.MaxLineLength);
            if (line.Status != LineStatus.Complete)
            {
                _state = ImapState.Logout;
                return "BAD Authentication exchange failed";
            }
            response = line.Text.Trim();
        }
        // RFC 3501 §6.2.2: "*" cancels, answered with BAD.
        if (response == "*") return "BAD Authentication cancelled";
        var bytes = new byte[response.Length];
        if (!Convert.TryFromBase64String(response, bytes, out int written)) return "BAD Invalid base64 in authentication response";
        (string Login, string Password)? credentials = SaslPlain.Split(Encoding.UTF8.GetString(bytes, 0, written));
        return credentials is null
            ? FailLogin("Malformed PLAIN response")
            : CompleteLogin(credentials.Value.Login, credentials.Value.Password, "AUTHENTICATE");
    }

    private string FailLogin(string reason)
    {
        Strike();
        return "NO [AUTHENTICATIONFAILED] " + reason;
    }

    private string CompleteLogin(string login, string password, string command)
    {
        if (!_store.Authenticate(login, password, out string user)) return FailLogin("Invalid credentials");
        _user = user;
        _state = ImapState.Authenticated;
        // RFC 3501 §7.1: the capabilities in the completion spare the client a CAPABILITY round trip.
        return $"OK [CAPABILITY {Capabilities}] {command} completed";
    }

    private string Subscribe(IReadOnlyList<ImapArg> arguments)
    {
        Expect(arguments, 1, "SUBSCRIBE mailbox");
        return FindFolder(arguments[0]) is null ? "NO [NONEXISTENT] No such mailbox" : "OK SUBSCRIBE completed";
    }

    /// <summary>LIST and LSUB (RFC 3501 §6.3.8): "*" matches anything, "%" anything but the hierarchy delimiter "/".</summary>
    private string List(string command, IReadOnlyList<ImapArg> arguments)
    {
        Expect(arguments, 2, $"{command} reference mailbox");
        string reference = AString(arguments[0]);
        string pattern = AString(arguments[1]);
        if (pattern.Length == 0)
        {
            // An empty pattern asks for the hierarchy delimiter and the root.
            Untagged($"{command} (\\Noselect) \"/\" \"\"");
            return $"OK {command} completed";
        }
        string expression = "^" + string.Concat((reference + pattern).Select(c => c switch
        {
            '*' => ".*",
            '%' => "[^/]*",
            _ => Regex.Escape(c.ToString()),
        })) + "$";
        // Folder names compare case-insensitively here (as INBOX must, RFC 3501 §5.1); no backtracking on any pattern.
        var matcher = new Regex(expression, RegexOptions.IgnoreCase | RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
        foreach (string folder in _store.FoldersOf(_user).Where(folder => matcher.IsMatch(folder)))
        {
            _writer.Raw($"* {command} (\\HasNoChildren) \"/\" ").NString(folder).Raw("\r\n");
        }
        return $"OK {command} completed";
    }

    /// <summary>STATUS (RFC 3501 §6.3.10) without selecting the folder.</summary>
    private string Status(IReadOnlyList<ImapArg> arguments)
    {
        Expect(arguments, 2, "STATUS mailbox (items)");
        if (arguments[1] is not ImapList { Items.Count: > 0 } items) throw new ImapSyntaxException("STATUS needs a list of items");
        string? folder = FindFolder(arguments[0]);
        if (folder is null) return "NO [NONEXISTENT] No such mailbox";
        FolderSnapshot snapshot = _store.Snapshot(_user, folder);
        var values = new List<string>();
        foreach (ImapArg item in items.Items)
        {
            string name = (item.Text ?? "").ToUpperInvariant();
            values.Add(name switch
            {
                "MESSAGES" => $"MESSAGES {snapshot.Messages.Count}",
                "RECENT" => $"RECENT {snapshot.Messages.Count(message => !message.RecentClaimed)}",
                "UIDNEXT" => $"UIDNEXT {snapshot.UidNext}",
                "UIDVALIDITY" => $"UIDVALIDITY {snapshot.UidValidity}",
                "UNSEEN" => $"UNSEEN {snapshot.Unseen}",
                _ => throw new ImapSyntaxException($"Unknown STATUS item '{item.Text}'"),
            });
        }
        _writer.Raw("* STATUS ").NString(folder).Raw($" ({string.Join(' ', values)})\r\n");
        return "OK STATUS completed";
    }

    /// <summary>APPEND mailbox [(flags)] [date-time] message (RFC 3501 §6.3.11), answered with APPENDUID (RFC 4315).</summary>
    private string Append(IReadOnlyList<ImapArg> arguments)
    {
        if (arguments.Count is < 2 or > 4 || arguments[^1] is not ImapString message)
            throw new ImapSyntaxException("Syntax: APPEND mailbox [(flags)] [date-time] literal");
        IEnumerable<string> flags = [];
        DateTimeOffset? date = null;
        foreach (ImapArg argument in arguments.Skip(1).Take(arguments.Count - 2))
        {
            if (argument is ImapList list) flags = FlagNames(list.Items);
            else if (argument is ImapString { IsLiteral: false } quoted && ImapWriter.TryParseDate(quoted.Text, dateOnly: false, out DateTimeOffset parsed)) date = parsed;
            else throw new ImapSyntaxException("Invalid APPEND flags or date-time");
        }
        string? folder = FindFolder(arguments[0]);
        // RFC 3501 §6.3.11: a missing destination gets NO [TRYCREATE].
        if (folder is null) return "NO [TRYCREATE] No such mailbox";
        StoredMessage stored;
        try
        {
            stored = _store.Append(_user, folder, message.Bytes, flags, date);
        }
        catch (MailStoreFullException)
        {
            return "NO [OVERQUOTA] The mail store is full"; // RFC 5530 §3
        }
        return $"OK [APPENDUID {_store.Snapshot(_user, folder).UidValidity} {stored.Uid}] APPEND completed";
    }

    private Task<string> Uid(IReadOnlyList<ImapArg> arguments)
    {
        if (arguments.Count == 0) throw new ImapSyntaxException("UID needs a command");
        string name = (arguments[0].Text ?? "").ToUpperInvariant();
        IReadOnlyList<ImapArg> rest = arguments.Skip(1).ToList();
        return name == "EXPUNGE" ? Done(Expunge(rest, byUid: true)) : MessageCommandAsync(name, rest, byUid: true);
    }

    private Task<string> MessageCommandAsync(string name, IReadOnlyList<ImapArg> arguments, bool byUid) => name switch
    {
        "FETCH" => FetchAsync(arguments, byUid),
        "STORE" => Done(Store(arguments, byUid)),
        "SEARCH" => Done(Search(arguments, byUid)),
        "COPY" => Done(Copy(arguments, byUid)),
        _ => throw new ImapSyntaxException($"Unknown UID command '{name}'"),
    };

    private void OnMessageArrived(object? sender, MailArrivedEventArgs e)
    {
        if (e.User != _user || _mailArrived.CurrentCount > 0) return;
        try
        {
            _mailArrived.Release();
        }
        catch (Exception ex) when (ex is SemaphoreFullException or ObjectDisposedException)
        {
            // Another arrival signalled first, or the session just ended: either way nothing is lost.
        }
    }

    private string? FindFolder(ImapArg argument) => _store.FindFolder(_user, AString(argument));

    private void Untagged(string text) => _connection.Write("* " + text + "\r\n");

    private void Tagged(string tag, string text) => _connection.Write(tag + " " + text + "\r\n");

    private void Bad(string tag, string reason)
    {
        Tagged(tag, "BAD " + reason);
        Strike();
    }

    /// <summary>Counts a BAD or a failed login; at the limit the session says BYE and ends.</summary>
    private void Strike()
    {
        if (++_strikes < MaxStrikes) return;
        Untagged("BYE Too many bad commands or failed logins");
        _state = ImapState.Logout;
    }

    private static void Expect(IReadOnlyList<ImapArg> arguments, int count, string syntax)
    {
        if (arguments.Count != count) throw new ImapSyntaxException("Syntax: " + syntax);
    }

    /// <summary>An astring argument (atom, quoted string or literal) as text.</summary>
    private static string AString(ImapArg argument) => argument.Text ?? throw new ImapSyntaxException("Expected a string, not a list");

    private static IEnumerable<string> FlagNames(IEnumerable<ImapArg> items) =>
        items.Select(item => item is ImapAtom atom ? atom.Value : throw new ImapSyntaxException("Flags are atoms")).ToList();
}
