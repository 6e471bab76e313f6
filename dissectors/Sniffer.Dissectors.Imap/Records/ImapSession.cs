using Sniffer.Core.Records;

namespace Sniffer.Dissectors.Imap.Records;

/// <summary>
/// The summary of one IMAP connection, emitted when both directions ended: who logged in, how it ended, and the
/// folders and messages the client learnt of. <see cref="SnifferRecord.TimeNs"/> is the connection's first packet.
/// </summary>
public sealed class ImapSession : SnifferRecord
{
    public string? Greeting { get; init; }

    /// <summary>The last CAPABILITY list seen (response or response code): after login it usually grows.</summary>
    public IReadOnlyList<string> Capabilities { get; init; } = [];

    public string? UserName { get; init; }

    public bool Authenticated { get; init; }

    public int FailedLogins { get; init; }

    public ImapState FinalState { get; init; }

    /// <summary>STARTTLS succeeded (RFC 9051 §6.2.1): the rest was TLS, not dissected.</summary>
    public bool Encrypted { get; init; }

    /// <summary>COMPRESS=DEFLATE succeeded (RFC 4978): the rest was inflated and dissected.</summary>
    public bool Compressed { get; init; }

    public int Commands { get; init; }

    public IReadOnlyList<ImapFolder> Folders { get; init; } = [];
}
