using Sniffer.Core.Records;

namespace Sniffer.Dissectors.Imap.Records;

/// <summary>
/// One client command and its tagged completion (RFC 9051 §2.2), paired by tag so pipelined commands pair
/// correctly. <see cref="SnifferRecord.TimeNs"/> is the command's first byte.
/// </summary>
public sealed class ImapCommandRecord : SnifferRecord
{
    /// <summary>1-based position among the connection's commands.</summary>
    public required int Index { get; init; }

    public required string Tag { get; init; }

    /// <summary>Upper case; UID commands as "UID FETCH".</summary>
    public required string Command { get; init; }

    /// <summary>The arguments as sent (literals as <c>{n}</c>), secrets masked unless shown.</summary>
    public required string Arguments { get; init; }

    /// <summary>"OK", "NO" or "BAD"; null when no completion was seen.</summary>
    public string? Status { get; init; }

    /// <summary>The response code of the completion without brackets ("READ-WRITE", "AUTHENTICATIONFAILED").</summary>
    public string? ResponseCode { get; init; }

    public string? ResponseText { get; init; }

    public ImapState StateBefore { get; init; }

    public ImapState StateAfter { get; init; }

    /// <summary>The mailbox a SELECT, EXAMINE, STATUS, APPEND, COPY, MOVE, CREATE… names, or the one selected for FETCH and friends.</summary>
    public string? Mailbox { get; init; }

    public long RequestEndNs { get; init; }

    public long? CompletedNs { get; init; }

    /// <summary>From the command's last byte to the first byte of its tagged completion.</summary>
    public long? LatencyNs { get; init; }

    public int UntaggedResponses { get; init; }

    /// <summary>Continuation requests ("+") the server sent for this command (literals, SASL, IDLE).</summary>
    public int ContinuationRequests { get; init; }

    /// <summary>SEARCH / UID SEARCH results: sequence numbers or UIDs.</summary>
    public IReadOnlyList<long> SearchResults { get; init; } = [];

    public ImapCredentials? Credentials { get; init; }

    /// <summary>Untagged responses received while IDLE (RFC 2177), as sent.</summary>
    public IReadOnlyList<string> IdleUpdates { get; init; } = [];

    /// <summary>When the client sent DONE to end IDLE.</summary>
    public long? IdleDoneNs { get; init; }

    /// <summary>False when a capture gap cut the command line short.</summary>
    public bool Complete { get; init; } = true;
}
