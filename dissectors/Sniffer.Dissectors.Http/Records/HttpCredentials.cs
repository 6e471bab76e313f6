namespace Sniffer.Dissectors.Http.Records;

/// <summary>
/// Credentials from an Authorization or Proxy-Authorization header (RFC 9110 §11.6). Secrets are
/// masked unless <c>DissectorSettings.ShowSecrets</c> is set.
/// </summary>
public sealed class HttpCredentials
{
    /// <summary>"Authorization" or "Proxy-Authorization".</summary>
    public required string Header { get; init; }

    /// <summary>The scheme as sent: "Basic", "Digest", "Bearer", "NTLM"…</summary>
    public required string Scheme { get; init; }

    public string? UserName { get; init; }

    /// <summary>Basic password or Bearer token: masked as <see cref="Mask"/> unless secrets are shown.</summary>
    public string? Secret { get; init; }

    /// <summary>Digest realm (RFC 7616 §3.4).</summary>
    public string? Realm { get; init; }

    public const string Mask = "********";
}
