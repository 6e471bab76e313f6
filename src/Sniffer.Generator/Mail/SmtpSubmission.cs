using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Sniffer.Generator.Mail;

/// <summary>
/// One authenticated SMTP session of MailKit's SmtpClient, which logs every mail it submits with the MD5 of the
/// exact bytes sent in DATA and the recipients the server accepted and refused.
/// </summary>
internal sealed class SmtpSubmission : IAsyncDisposable
{
    private readonly ScenarioContext _context;
    private readonly RecordingSmtpClient _client;
    private readonly int _connection;
    private readonly int _clientPort;
    private readonly string _auth;

    private SmtpSubmission(ScenarioContext context, RecordingSmtpClient client, int connection, int clientPort, string auth)
    {
        _context = context;
        _client = client;
        _connection = connection;
        _clientPort = clientPort;
        _auth = auth;
    }

    /// <summary>Connects, says EHLO and authenticates as <paramref name="user"/> with the SASL mechanism given (PLAIN or LOGIN).</summary>
    public static async Task<SmtpSubmission> OpenAsync(ScenarioContext context, string user, string mechanism)
    {
        EndPoint server = context.Servers.Smtp ?? throw new InvalidOperationException("no SMTP server");
        var client = new RecordingSmtpClient { Timeout = (int)context.Options.RequestTimeout.TotalMilliseconds, LocalDomain = "generator.sniffer.test" };
        try
        {
            using (var step = MailSockets.StepTimeout(context))
            {
                Socket socket = await MailSockets.ConnectAsync(server, step.Token);
                int clientPort = MailSockets.ClientPort(socket);
                (string host, int port) = MailSockets.HostAndPort(server);
                await client.ConnectAsync(socket, host, port, SecureSocketOptions.None, step.Token);
                var credentials = new NetworkCredential(user, context.Options.Password);
                SaslMechanism sasl = mechanism == "LOGIN" ? new SaslMechanismLogin(credentials) : new SaslMechanismPlain(credentials);
                await client.AuthenticateAsync(sasl, step.Token);
                return new SmtpSubmission(context, client, context.Recorder.NewConnectionId(), clientPort, sasl.MechanismName);
            }
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Submits the message and logs it; a refused recipient or message is logged, not thrown.</summary>
    public async Task<MailEntry> SendAsync(MimeMessage message)
    {
        // What MailKit's SmtpClient does to the options before writing DATA: CRLF line endings and a final CRLF;
        // preparing the message here first (for an 8BITMIME server, 998-octet lines, RFC 5321 §4.5.3.1.6) leaves
        // nothing for it to change, so these bytes are the ones sent (before dot-stuffing).
        FormatOptions format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        format.EnsureNewLine = true;
        message.Prepare(EncodingConstraint.EightBit, 998);
        using var bytes = new MemoryStream();
        message.WriteTo(format, bytes);

        _client.Refused.Clear();
        string? error = null;
        using (var step = MailSockets.StepTimeout(_context))
        {
            try
            {
                await _client.SendAsync(format, message, step.Token);
            }
            catch (OperationCanceledException) when (!_context.Cancellation.IsCancellationRequested)
            {
                error = $"no reply within {_context.Options.RequestTimeout.TotalSeconds:0.#} s";
            }
            catch (OperationCanceledException)
            {
                // The message may already be on the wire, and in the server's store: the log says so.
                _context.Recorder.Add(Entry(message, bytes, "the run was stopped during this submission") with { Interrupted = true });
                throw;
            }
            catch (Exception failure) when (failure is SmtpCommandException or SmtpProtocolException or IOException)
            {
                error = failure.Message;
            }
        }

        MailEntry entry = Entry(message, bytes, error);
        _context.Recorder.Add(entry);
        _context.Cancellation.ThrowIfCancellationRequested();
        return entry;
    }

    private MailEntry Entry(MimeMessage message, MemoryStream bytes, string? error)
    {
        var refused = _client.Refused.ToList();
        return new MailEntry
        {
            Scenario = _context.Scenario,
            Repetition = _context.Repetition,
            Connection = _connection,
            ClientPort = _clientPort,
            Auth = _auth,
            From = message.From.Mailboxes.First().Address,
            RecipientsAccepted = [.. message.GetRecipients().Select(mailbox => mailbox.Address).Where(address => !refused.Any(r => r.Address == address))],
            RecipientsRefused = refused,
            Subject = message.Subject ?? "",
            MessageId = message.MessageId ?? "",
            Attachments = message.Attachments.Count(),
            Size = bytes.Length,
            Md5 = Convert.ToHexStringLower(MD5.HashData(bytes.GetBuffer().AsSpan(0, (int)bytes.Length))),
            Error = error,
        };
    }

    /// <summary>QUIT, then close.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_client.IsConnected)
            {
                using var step = MailSockets.StepTimeout(_context);
                await _client.DisconnectAsync(quit: true, step.Token);
            }
        }
        catch (Exception failure) when (failure is OperationCanceledException or IOException or SmtpProtocolException)
        {
            // The session is over either way; what was sent is already logged.
        }
        finally
        {
            _client.Dispose();
        }
    }

    /// <summary>MailKit throws on the first refused RCPT by default; this one notes it and goes on with the others (RFC 5321 §3.3).</summary>
    private sealed class RecordingSmtpClient : SmtpClient
    {
        public List<RefusedRecipient> Refused { get; } = [];

        protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) =>
            Refused.Add(new RefusedRecipient(mailbox.Address, (int)response.StatusCode));
    }
}
