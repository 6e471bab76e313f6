namespace Sniffer.Core.Dissection;

/// <summary>
/// Limits and switches every dissector honours. Each limit, when hit, produces an anomaly and the
/// rest of the capture keeps being analysed. Defaults follow what Kestrel, Zeek and Suricata allow.
/// </summary>
public sealed record DissectorSettings
{
    public static DissectorSettings Default { get; } = new();

    /// <summary>Show passwords, AUTH blobs and credentials instead of masking them.</summary>
    public bool ShowSecrets { get; init; }

    /// <summary>Longest protocol line (request line, header line, SMTP/IMAP command or reply).</summary>
    public int MaxLineBytes { get; init; } = 64 * 1024;

    /// <summary>Largest header block of one message.</summary>
    public int MaxHeaderBytes { get; init; } = 256 * 1024;

    /// <summary>Most header fields in one message.</summary>
    public int MaxHeaderCount { get; init; } = 1000;

    /// <summary>Decoded bytes of one body kept for storage; size and hash cover the whole entity regardless.</summary>
    public long MaxBodyBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>Absolute cap on the decoded output of one compressed body.</summary>
    public long MaxDecompressedBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Decoded/encoded ratio past which a compressed body is treated as a bomb.</summary>
    public int MaxDecompressionRatio { get; init; } = 1000;

    /// <summary>
    /// Bytes of one mail message kept (SMTP DATA or BDAT, or a whole message fetched or appended over IMAP);
    /// size and hashes cover the whole message regardless.
    /// </summary>
    public long MaxMessageBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Bytes of one IMAP literal kept (RFC 9051 §4.3); the rest of a larger one is counted, not kept.</summary>
    public long MaxLiteralBytes { get; init; } = 64L * 1024 * 1024;
}
