using System.Net;

namespace Sniffer.Servers.Mail;

/// <summary>What the SMTP and IMAP test servers share: where they listen and how far they let a client go.</summary>
public abstract class MailServerOptions
{
    /// <summary>The address to listen on; loopback unless <see cref="AllowNonLoopback"/> is set.</summary>
    public IPAddress Bind { get; init; } = IPAddress.Loopback;

    /// <summary>The port to listen on; 0 picks a free one (see the server's <c>EndPoint</c>).</summary>
    public int Port { get; init; }

    /// <summary>Test servers accept any password-less delivery, so they refuse to listen beyond this machine unless told to.</summary>
    public bool AllowNonLoopback { get; init; }

    /// <summary>Connections served at once; further ones are told the server is busy and closed.</summary>
    public int MaxConnections { get; init; } = 32;

    /// <summary>How long a connection may stay silent before the server closes it.</summary>
    public TimeSpan IdleTimeout { get; init; }

    /// <summary>The longest command line accepted, CRLF included.</summary>
    public int MaxLineLength { get; init; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Bind);
        if (!AllowNonLoopback && !IPAddress.IsLoopback(Bind))
            throw new ArgumentException($"The mail test servers listen on loopback only; {Bind} needs AllowNonLoopback = true.", nameof(Bind));
        ArgumentOutOfRangeException.ThrowIfNegative(Port, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, IPEndPoint.MaxPort, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxConnections, nameof(MaxConnections));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IdleTimeout, TimeSpan.Zero, nameof(IdleTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxLineLength, 512, nameof(MaxLineLength));
    }
}
