using System.Net;
using Sniffer.Servers.Mail.Net;

namespace Sniffer.Servers.Mail;

/// <summary>
/// An IMAP4rev1 server (RFC 3501) for tests and demos over a <see cref="MailStore"/>, with LITERAL+ (RFC 7888),
/// IDLE (RFC 2177), UIDPLUS (RFC 4315) and AUTHENTICATE PLAIN, so mail sent through the SMTP test server can be read back.
/// </summary>
public sealed class ImapTestServer : IAsyncDisposable
{
    /// <summary>What the server announces in its greeting, after authentication and on CAPABILITY.</summary>
    public const string Capabilities = "IMAP4rev1 LITERAL+ IDLE UIDPLUS AUTH=PLAIN";

    private readonly ConnectionListener _listener;

    private ImapTestServer(MailStore store, ImapTestServerOptions options, CancellationToken ct)
    {
        _listener = ConnectionListener.Start(
            options,
            connection => new ImapSession(store, options, connection).RunAsync(),
            // RFC 3501 §7.1.5: a server that will not serve the connection greets with BYE and closes it.
            "* BYE Too many connections, try again later\r\n",
            ct);
    }

    public IPEndPoint EndPoint => _listener.EndPoint;

    /// <summary>Starts listening (loopback only unless the options allow otherwise).</summary>
    public static Task<ImapTestServer> StartAsync(MailStore store, ImapTestServerOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxLiteralSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxLiteralSize, Array.MaxLength / 2, nameof(options.MaxLiteralSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxCommandLength, options.MaxLineLength, nameof(options.MaxCommandLength));
        return Task.FromResult(new ImapTestServer(store, options, ct));
    }

    public ValueTask DisposeAsync() => _listener.DisposeAsync();
}
