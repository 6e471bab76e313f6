namespace Sniffer.Servers.Mail;

/// <summary>How the SMTP test server presents itself and what it accepts.</summary>
public sealed class SmtpTestServerOptions : MailServerOptions
{
    public SmtpTestServerOptions()
    {
        // RFC 5321 §4.5.3.2.7: a server should wait at least 5 minutes for the next command.
        IdleTimeout = TimeSpan.FromMinutes(5);
        // RFC 5321 §4.5.3.1.4: a command line is at most 512 octets, CRLF included.
        MaxLineLength = 512;
    }

    /// <summary>The name in the greeting and the EHLO reply.</summary>
    public string HostName { get; init; } = "mail.sniffer.test";

    /// <summary>The largest message accepted, advertised as SIZE (RFC 1870).</summary>
    public long MaxMessageSize { get; init; } = 10 * 1024 * 1024;

    /// <summary>Recipients refused with 550 5.1.1, so clients and the SMTP dissector see a refused RCPT.</summary>
    public IReadOnlyCollection<string> RejectedRecipients { get; init; } = ["nobody@sniffer.test"];

    /// <summary>When set, MAIL FROM is refused with 530 until the client has authenticated.</summary>
    public bool RequireAuth { get; init; }

    /// <summary>Recipients accepted in one transaction; RFC 5321 §4.5.3.1.8 asks for at least 100.</summary>
    public int MaxRecipients { get; init; } = 100;
}
