namespace Sniffer.Core.Records;

/// <summary>
/// The anomaly kinds the built-in layers emit. Dissectors add their own with their protocol as prefix
/// ("http_", "smtp_", "imap_"). Names are stable: reports, filters and tests match on them.
/// </summary>
public static class AnomalyKinds
{
    // capture
    public const string TruncatedRecord = "capture_truncated_record";
    public const string CorruptRecord = "capture_corrupt_record";

    // link and network layers
    public const string UnknownLinkType = "link_unknown_type";
    public const string MalformedLink = "link_malformed";
    public const string MalformedIp = "ip_malformed";
    public const string FragmentOverlap = "ip_fragment_overlap";
    public const string FragmentInconsistent = "ip_fragment_inconsistent";
    public const string FragmentTimeout = "ip_fragment_timeout";
    public const string FragmentLimit = "ip_fragment_limit";
    public const string MalformedTcp = "tcp_malformed";

    // transport reassembly
    public const string TcpOverlapMismatch = "tcp_overlap_mismatch";
    public const string TcpContentGap = "tcp_content_gap";
    public const string TcpBufferLimit = "tcp_buffer_limit";
    public const string TcpFlowLimit = "tcp_flow_limit";
    public const string TcpMidStream = "tcp_picked_up_mid_stream";
    public const string TcpDataAfterReset = "tcp_data_after_reset";
    public const string TcpSnaplenTruncated = "tcp_snaplen_truncated";

    /// <summary>An RST inside the receive window but not at the next expected sequence number (RFC 5961 §3.2): ignored.</summary>
    public const string TcpResetInWindow = "tcp_rst_in_window";

    /// <summary>An RST outside the receive window (RFC 5961 §3.2): ignored.</summary>
    public const string TcpResetOutOfWindow = "tcp_rst_out_of_window";

    /// <summary>
    /// The unfinished bodies, messages and literals of all flows kept as many bytes as they may together
    /// (<c>ReassemblyOptions.MaxKeptBytesTotal</c>): this one's further bytes are counted and hashed, not kept.
    /// </summary>
    public const string KeptBytesLimit = "kept_bytes_limit";

    /// <summary>
    /// A flow reported more anomalies of one kind than are listed per flow (<c>FlowAnomalyLimit.PerKind</c>): the rest
    /// were counted, and this one anomaly, at the flow's end, says how many of which kind.
    /// </summary>
    public const string AnomalyLimit = "anomaly_limit";

    // dissector binding
    public const string DissectorViolation = "dissector_violation";
    public const string DissectorDisabled = "dissector_disabled";
}
