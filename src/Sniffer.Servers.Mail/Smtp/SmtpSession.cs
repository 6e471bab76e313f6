using System.Text;
using Sniffer.Servers.Mail.Net;

namespace Sniffer.Servers.Mail;

/// <summary>
/// One SMTP connection: reads commands in the order they arrived (pipelined or not, RFC 2920), answers each, and
/// flushes the replies whenever no further command is already waiting.
/// </summary>
internal sealed class SmtpSession(MailStore store, SmtpTestServerOptions options, LineConnection connection, Func<string> nextQueueId)
{
    /// <summary>RFC 4954 §4: an AUTH command line, or a SASL response line, may be up to 12288 octets.</summary>
    private const int AuthLineLength = 12288;

    /// <summary>Bad commands tolerated before the server gives up on the client (so a confused client cannot loop forever).</summary>
    private const int MaxErrors = 20;

    private string? _clientName;
    private string? _user;
    private Transaction? _transaction;
    private int _errors;

    public async Task RunAsync()
    {
        Reply($"220 {options.HostName} ESMTP Sniffer test server ready");
        try
        {
            while (true)
            {
                if (!connection.HasBufferedLine) await connection.FlushAsync();
                ReceivedLine line = await connection.ReadLineAsync(Math.Max(AuthLineLength, options.MaxLineLength));
                if (line.Status == LineStatus.Closed) return;
                bool goOn = line.Status == LineStatus.TooLong ? Error("500 5.5.2 Line too long") : await HandleAsync(line.Text);
                if (!goOn)
                {
                    await connection.FlushAsync();
                    return;
                }
            }
        }
        catch (TimeoutException)
        {
            // RFC 5321 §4.5.3.2: the server may close after its timeout, saying so with 421.
            Reply($"421 4.4.2 {options.HostName} idle too long, closing connection");
            await connection.FlushAsync();
        }
    }

    private async Task<bool> HandleAsync(string line)
    {
        int space = line.IndexOf(' ');
        string verb = (space < 0 ? line : line[..space]).ToUpperInvariant();
        string argument = space < 0 ? "" : line[(space + 1)..].Trim();
        if (verb != "AUTH" && line.Length + 2 > options.MaxLineLength) return Error("500 5.5.2 Line too long");
        switch (verb)
        {
            case "EHLO": return Ehlo(argument, extended: true);
            case "HELO": return Ehlo(argument, extended: false);
            case "AUTH": return await AuthAsync(argument);
            case "MAIL": return Mail(argument);
            case "RCPT": return Rcpt(argument);
            case "DATA": return await DataAsync(argument);
            case "RSET":
                if (argument.Length > 0) return Error("501 5.5.4 RSET takes no argument");
                _transaction = null;
                return Ok("250 2.0.0 OK");
            case "NOOP": return Ok("250 2.0.0 OK");
            case "VRFY":
                // RFC 5321 §3.5.3: 252 says "cannot verify, but will try to deliver" without disclosing users.
                return argument.Length == 0 ? Error("501 5.5.4 Syntax: VRFY address") : Ok("252 2.5.0 Cannot VRFY user, but will accept message and attempt delivery");
            case "EXPN":
            case "HELP":
            case "TURN":
                return Error($"502 5.5.1 {verb} not implemented");
            case "QUIT":
                Reply($"221 2.0.0 {options.HostName} closing connection");
                return false;
            default:
                return Error("500 5.5.2 Command not recognized");
        }
    }

    private bool Ehlo(string argument, bool extended)
    {
        if (argument.Length == 0) return Error(extended ? "501 5.5.4 Syntax: EHLO hostname" : "501 5.5.4 Syntax: HELO hostname");
        // RFC 5321 §4.1.4: EHLO/HELO in the middle of a transaction resets it.
        _transaction = null;
        _clientName = argument;
        if (!extended) return Ok($"250 {options.HostName}");
        Reply($"250-{options.HostName} greets {argument}");
        Reply("250-PIPELINING");
        Reply("250-8BITMIME");
        Reply($"250-SIZE {options.MaxMessageSize}");
        Reply("250-AUTH PLAIN LOGIN");
        return Ok("250 ENHANCEDSTATUSCODES");
    }

    private async Task<bool> AuthAsync(string argument)
    {
        if (_clientName is null) return Error("503 5.5.1 Send EHLO first");
        // RFC 4954 §4: AUTH is refused after a successful AUTH and during a mail transaction.
        if (_user is not null) return Error("503 5.5.1 Already authenticated");
        if (_transaction is not null) return Error("503 5.5.1 AUTH not permitted during a mail transaction");
        string[] parts = argument.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) return Error("501 5.5.4 Syntax: AUTH mechanism [initial-response]");
        string? initial = parts.Length > 1 ? parts[1] : null;
        (string Login, string Password)? credentials;
        switch (parts[0].ToUpperInvariant())
        {
            case "PLAIN":
                // RFC 4954 §4: "=" is an empty initial response; without one the server asks with an empty 334.
                SaslStep plain = initial is null ? await ChallengeAsync("") : SaslStep.Decode(initial);
                if (plain.Failure is not null) return Error(plain.Failure);
                credentials = SaslPlain.Split(plain.Text!);
                break;
            case "LOGIN":
                // draft-murchison-sasl-login: 334 "Username:" then 334 "Password:", each answered in base64.
                SaslStep name = initial is null ? await ChallengeAsync("VXNlcm5hbWU6") : SaslStep.Decode(initial);
                if (name.Failure is not null) return Error(name.Failure);
                SaslStep secret = await ChallengeAsync("UGFzc3dvcmQ6");
                if (secret.Failure is not null) return Error(secret.Failure);
                credentials = (name.Text!, secret.Text!);
                break;
            default:
                return Error("504 5.5.4 Unrecognized authentication type");
        }
        if (credentials is null) return Error("501 5.5.2 Malformed authentication response");
        if (!store.Authenticate(credentials.Value.Login, credentials.Value.Password, out string user))
            return Error("535 5.7.8 Authentication credentials invalid");
        _user = user;
        return Ok("235 2.7.0 Authentication successful");
    }

    private async Task<SaslStep> ChallengeAsync(string challenge)
    {
        Reply($"334 {challenge}");
        await connection.FlushAsync();
        ReceivedLine line = await connection.ReadLineAsync(AuthLineLength);
        return line.Status switch
        {
            LineStatus.Closed => SaslStep.Fail("501 5.0.0 Connection closed during authentication"),
            LineStatus.TooLong => SaslStep.Fail("500 5.5.6 Authentication exchange line is too long"),
            _ => SaslStep.Decode(line.Text),
        };
    }

    private bool Mail(string argument)
    {
        if (_clientName is null) return Error("503 5.5.1 Send EHLO first");
        if (_transaction is not null) return Error("503 5.5.1 Nested MAIL command");
        if (options.RequireAuth && _user is null) return Error("530 5.7.0 Authentication required");
        if (!SmtpPath.TryParse(argument, "FROM:", out _, out IReadOnlyList<string> parameters))
            return Error("501 5.5.4 Syntax: MAIL FROM:<address>");
        foreach (string parameter in parameters)
        {
            int equals = parameter.IndexOf('=');
            string key = (equals < 0 ? parameter : parameter[..equals]).ToUpperInvariant();
            string value = equals < 0 ? "" : parameter[(equals + 1)..];
            switch (key)
            {
                case "SIZE":
                    // RFC 1870 §6: a declared size over the limit is refused at once with 552.
                    if (!long.TryParse(value, out long size) || size < 0) return Error("501 5.5.4 Syntax: SIZE=<number>");
                    if (size > options.MaxMessageSize) return Error("552 5.3.4 Message size exceeds fixed maximum message size");
                    break;
                case "BODY":
                    // RFC 6152 §2: BODY=8BITMIME (or 7BIT) announces the content; both are stored as received.
                    if (!value.Equals("7BIT", StringComparison.OrdinalIgnoreCase) && !value.Equals("8BITMIME", StringComparison.OrdinalIgnoreCase))
                        return Error("501 5.5.4 BODY must be 7BIT or 8BITMIME");
                    break;
                case "AUTH":
                    break; // RFC 4954 §5: the submitter's identity; a test server trusts nothing it says.
                default:
                    return Error($"555 5.5.4 MAIL parameter {key} not recognized");
            }
        }
        _transaction = new Transaction();
        return Ok("250 2.1.0 Sender OK");
    }

    private bool Rcpt(string argument)
    {
        if (_transaction is null) return Error("503 5.5.1 Need MAIL before RCPT");
        if (!SmtpPath.TryParse(argument, "TO:", out string recipient, out IReadOnlyList<string> parameters) || recipient.Length == 0)
            return Error("501 5.5.4 Syntax: RCPT TO:<address>");
        if (parameters.Count > 0) return Error("555 5.5.4 RCPT parameters not recognized");
        if (_transaction.Recipients.Count >= options.MaxRecipients) return Error("452 4.5.3 Too many recipients");
        if (options.RejectedRecipients.Contains(recipient, StringComparer.OrdinalIgnoreCase))
            return Error($"550 5.1.1 <{recipient}>: Recipient address rejected");
        string user;
        if (IsPostmaster(recipient))
        {
            // RFC 5321 §4.5.1: "postmaster" (bare or at our domain) must be accepted; the first user reads it.
            user = store.Users[0];
        }
        else
        {
            // Not an open relay: mail is accepted only for the store's own domain (RFC 5321 §3.6.2 leaves relaying to policy).
            if (!store.IsLocalDomain(recipient)) return Error($"550 5.7.1 <{recipient}>: Relay access denied");
            if (!store.TryResolveUser(recipient, out user)) return Error($"550 5.1.1 <{recipient}>: Mailbox unavailable");
        }
        _transaction.Recipients.Add(user);
        return Ok("250 2.1.5 Recipient OK");
    }

    private async Task<bool> DataAsync(string argument)
    {
        if (argument.Length > 0) return Error("501 5.5.4 DATA takes no argument");
        if (_transaction is null) return Error("503 5.5.1 Need MAIL before DATA");
        // RFC 2920 §3.1: with pipelining, DATA after only refused recipients gets 554, and no 354.
        if (_transaction.Recipients.Count == 0) return Error("554 5.5.1 No valid recipients");
        Reply("354 End data with <CR><LF>.<CR><LF>");
        await connection.FlushAsync();

        using var message = new MemoryStream();
        bool tooLarge = false;
        bool previousEndedWithCrLf = true;
        while (true)
        {
            ReceivedLine line = await connection.ReadLineAsync((int)options.MaxMessageSize + 3);
            if (line.Status == LineStatus.Closed) return false; // RFC 5321 §4.1.1.4: no end of data, no delivery
            if (line.Status == LineStatus.TooLong)
            {
                tooLarge = true;
                previousEndedWithCrLf = true;
                continue;
            }
            // RFC 5321 §4.1.1.4: the data ends with CRLF "." CRLF. A "." after a bare LF, or followed by a bare LF,
            // is not the end (RFC 5321 §2.3.8 allows no bare LF), which keeps "SMTP smuggling" from splitting a message.
            byte[] bytes = line.Bytes;
            if (previousEndedWithCrLf && bytes is [(byte)'.', (byte)'\r', (byte)'\n']) break;
            previousEndedWithCrLf = line.EndsWithCrLf;
            // RFC 5321 §4.5.2: a line that starts with "." had one more "." added by the client; take it off.
            ReadOnlySpan<byte> content = bytes.Length > 0 && bytes[0] == (byte)'.' ? bytes.AsSpan(1) : bytes;
            if (tooLarge) continue;
            if (message.Length + content.Length > options.MaxMessageSize)
            {
                tooLarge = true;
                message.SetLength(0);
                continue;
            }
            message.Write(content);
        }

        Transaction transaction = _transaction;
        _transaction = null;
        // RFC 1870 §6: a message found too large once received is refused with 552, after its end was read.
        if (tooLarge) return Error("552 5.3.4 Message size exceeds fixed maximum message size");
        ReadOnlyMemory<byte> raw = message.GetBuffer().AsMemory(0, (int)message.Length);
        try
        {
            foreach (string recipient in transaction.Recipients.Distinct(StringComparer.OrdinalIgnoreCase)) store.Deliver(recipient, raw);
            if (_user is not null) store.Append(_user, "Sent", raw, [MailFlags.Seen]);
        }
        catch (MailStoreFullException)
        {
            // RFC 3463 §3.4 X.3.1: mail system full. Recipients delivered before the store filled keep their copy.
            return Error("452 4.3.1 Insufficient system storage");
        }
        return Ok($"250 2.0.0 Ok: queued as {nextQueueId()}");
    }

    private bool IsPostmaster(string address) =>
        address.Equals("postmaster", StringComparison.OrdinalIgnoreCase)
        || address.StartsWith("postmaster@", StringComparison.OrdinalIgnoreCase) && store.IsLocalDomain(address);

    private void Reply(string line) => connection.Write(line + "\r\n");

    private bool Ok(string line)
    {
        Reply(line);
        return true;
    }

    /// <summary>Sends an error reply; after too many the session ends with 421 (RFC 5321 §3.8).</summary>
    private bool Error(string line)
    {
        Reply(line);
        if (++_errors < MaxErrors) return true;
        Reply($"421 4.7.0 {options.HostName} too many errors, closing connection");
        return false;
    }

    /// <summary>The recipients accepted since MAIL FROM (the sender itself decides nothing here).</summary>
    private sealed class Transaction
    {
        public List<string> Recipients { get; } = [];
    }

    /// <summary>One decoded SASL response, or the reply that refuses it.</summary>
    private readonly record struct SaslStep(string? Text, string? Failure)
    {
        public static SaslStep Fail(string reply) => new(null, reply);

        public static SaslStep Decode(string response)
        {
            response = response.Trim();
            // RFC 4954 §4: "*" cancels the exchange, answered with 501.
            if (response == "*") return Fail("501 5.0.0 Authentication cancelled");
            if (response == "=") return new SaslStep("", null);
            var bytes = new byte[response.Length];
            return Convert.TryFromBase64String(response, bytes, out int written)
                ? new SaslStep(Encoding.UTF8.GetString(bytes, 0, written), null)
                : Fail("501 5.5.2 Cannot decode base64 response");
        }
    }
}
