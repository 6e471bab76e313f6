namespace Sniffer.Reassembly;

/// <summary>
/// Anomaly kinds of the TCP layer beyond those in <see cref="Sniffer.Core.Records.AnomalyKinds"/>, named the same
/// way; like those, reports and filters match on the names, so they do not change.
/// </summary>
public static class TcpAnomalyKinds
{
    /// <summary>An RST inside the receive window but not at the next expected sequence number (RFC 5961 §3.2): ignored.</summary>
    public const string ResetInWindow = "tcp_rst_in_window";

    /// <summary>An RST outside the receive window (RFC 5961 §3.2): ignored.</summary>
    public const string ResetOutOfWindow = "tcp_rst_out_of_window";
}
