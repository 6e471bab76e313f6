namespace Sniffer.Dissectors.Imap;

/// <summary>The connection states of RFC 9051 §3 (RFC 3501 §3), as the observer infers them from tagged completions.</summary>
public enum ImapState : byte
{
    /// <summary>Before the greeting was seen.</summary>
    Unknown,

    NotAuthenticated,
    Authenticated,
    Selected,
    Logout,
}
