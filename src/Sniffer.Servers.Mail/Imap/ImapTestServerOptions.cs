namespace Sniffer.Servers.Mail;

/// <summary>Where the IMAP test server listens and the limits it puts on a client.</summary>
public sealed class ImapTestServerOptions : MailServerOptions
{
    public ImapTestServerOptions()
    {
        // RFC 3501 §5.4: an inactivity autologout timer must be at least 30 minutes (RFC 2177 IDLE relies on it).
        IdleTimeout = TimeSpan.FromMinutes(30);
        // RFC 7162 §4 asks servers to take command lines of at least 8192 octets.
        MaxLineLength = 8192;
    }

    /// <summary>The largest literal accepted (an APPENDed message); larger ones are refused with NO [TOOBIG].</summary>
    public long MaxLiteralSize { get; init; } = 10 * 1024 * 1024;

    /// <summary>The most command text (literals aside) one command may span over its lines.</summary>
    public int MaxCommandLength { get; init; } = 64 * 1024;
}
