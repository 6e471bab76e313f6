namespace Sniffer.Dissectors.Imap.Records;

/// <summary>
/// Who logged in and how: LOGIN (RFC 9051 §6.2.3) or AUTHENTICATE with a SASL mechanism (§6.2.2). The secret is
/// masked as <see cref="Mask"/> unless DissectorSettings.ShowSecrets is set.
/// </summary>
public sealed class ImapCredentials
{
    /// <summary>"LOGIN", or the SASL mechanism of AUTHENTICATE ("PLAIN", "LOGIN", "XOAUTH2"…).</summary>
    public required string Mechanism { get; init; }

    public bool Sasl { get; init; }

    public string? UserName { get; init; }

    /// <summary>Password or bearer token; <see cref="Mask"/> unless secrets are shown; null when none was seen.</summary>
    public string? Secret { get; init; }

    public const string Mask = "********";
}
