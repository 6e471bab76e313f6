namespace Sniffer.Core.Records;

/// <summary>
/// Something in the traffic that was odd, hostile or lost — Zeek's weird.log. Kinds are stable
/// snake_case names (see <see cref="AnomalyKinds"/>) so reports and filters can group them.
/// </summary>
public sealed class Anomaly : SnifferRecord
{
    /// <summary>Stable identifier such as "tcp_overlap_mismatch" or "http_line_too_long".</summary>
    public required string Kind { get; init; }

    /// <summary>The layer that noticed it: "capture", "ip", "tcp", or a dissector name.</summary>
    public required string Source { get; init; }

    /// <summary>Human-readable detail. Captured bytes in it are already escaped (<see cref="Text.SafeText"/>).</summary>
    public string Detail { get; init; } = "";
}
