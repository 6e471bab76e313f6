using Sniffer.Core.Records;

namespace Sniffer.Dissectors.Smtp.Records;

/// <summary>How an AUTH exchange (RFC 4954) ended.</summary>
public enum SmtpAuthOutcome
{
    Pending,
    Succeeded,
    Failed,
    Cancelled,
}

/// <summary>One AUTH exchange: mechanism, user, the secret (masked unless ShowSecrets) and the server's verdict.</summary>
public sealed class SmtpAuthentication
{
    public required string Mechanism { get; init; }

    /// <summary>The authentication identity when the mechanism reveals it (PLAIN, LOGIN, CRAM-MD5, XOAUTH2).</summary>
    public string? User { get; internal set; }

    /// <summary>The password, CRAM-MD5 digest or OAuth token; "********" unless DissectorSettings.ShowSecrets.</summary>
    public string? Secret { get; internal set; }

    public SmtpAuthOutcome Outcome { get; internal set; }

    public SmtpReply? Reply { get; internal set; }
}

/// <summary>
/// One SMTP connection (RFC 5321): the greeting, the handshake (EHLO/HELO and the extensions the server
/// advertised), authentication, STARTTLS, and every command with its reply. Transactions are their own records.
/// </summary>
public sealed class SmtpSession : SnifferRecord
{
    public SmtpReply? Greeting { get; internal set; }

    /// <summary>"EHLO" or "HELO", as last sent.</summary>
    public string? HelloVerb { get; internal set; }

    /// <summary>The client's claimed name (EHLO/HELO argument).</summary>
    public string? Helo { get; internal set; }

    /// <summary>Extension lines of the last positive EHLO reply (RFC 5321 §4.1.1.1), upper-case keyword with its parameters.</summary>
    public IReadOnlyList<string> Extensions { get; internal set; } = [];

    public IReadOnlyList<SmtpAuthentication> Authentications => _authentications;

    /// <summary>The server answered STARTTLS with 220: everything after is TLS and left opaque (RFC 3207 §4).</summary>
    public bool StartTls { get; internal set; }

    public IReadOnlyList<SmtpCommand> Commands => _commands;

    public SmtpReply? LastReply { get; internal set; }

    public int Transactions { get; internal set; }

    internal List<SmtpCommand> CommandList => _commands;

    internal List<SmtpAuthentication> AuthenticationList => _authentications;

    private readonly List<SmtpCommand> _commands = [];
    private readonly List<SmtpAuthentication> _authentications = [];
}
