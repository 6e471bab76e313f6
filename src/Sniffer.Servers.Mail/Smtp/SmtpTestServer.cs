using System.Net;
using Sniffer.Servers.Mail.Net;

namespace Sniffer.Servers.Mail;

/// <summary>
/// An ESMTP server (RFC 5321) for tests and demos that delivers into a <see cref="MailStore"/>: EHLO with PIPELINING,
/// 8BITMIME, SIZE, AUTH PLAIN LOGIN and ENHANCEDSTATUSCODES. It does not relay: only the store's own users receive mail.
/// </summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    private readonly ConnectionListener _listener;
    private long _queueIds;

    private SmtpTestServer(MailStore store, SmtpTestServerOptions options, CancellationToken ct)
    {
        _listener = ConnectionListener.Start(
            options,
            connection => new SmtpSession(store, options, connection, NextQueueId).RunAsync(),
            // RFC 5321 §3.1: a server that cannot serve now answers the connection with 421.
            $"421 4.3.2 {options.HostName} too many connections, try again later\r\n",
            ct);
    }

    public IPEndPoint EndPoint => _listener.EndPoint;

    /// <summary>Starts listening (loopback only unless the options allow otherwise).</summary>
    public static Task<SmtpTestServer> StartAsync(MailStore store, SmtpTestServerOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.HostName);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxMessageSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxMessageSize, Array.MaxLength / 2, nameof(options.MaxMessageSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxRecipients);
        return Task.FromResult(new SmtpTestServer(store, options, ct));
    }

    public ValueTask DisposeAsync() => _listener.DisposeAsync();

    private string NextQueueId() => $"{Interlocked.Increment(ref _queueIds):X8}{Random.Shared.Next(0x1000):X3}";
}
