namespace Sniffer.Decoding;

/// <summary>
/// Limits of the <see cref="PacketDecoder"/>. Fragment state is the only memory the decoder grows with
/// the traffic, so every dimension of it is bounded: hostile or broken senders must not exhaust us.
/// </summary>
public sealed record DecoderSettings
{
    public static DecoderSettings Default { get; } = new();

    /// <summary>Datagrams being reassembled at once; beyond it the oldest is evicted (as Linux does past ipfrag_high_thresh).</summary>
    public int MaxFragmentDatagramsInFlight { get; init; } = 1024;

    /// <summary>
    /// Largest reassembled payload accepted. 65,535 covers any IPv4 datagram (RFC 791 total length is 16 bits)
    /// and any IPv6 packet without a jumbo payload (RFC 8200 §4.5).
    /// </summary>
    public int MaxBytesPerDatagram { get; init; } = 65_535;

    /// <summary>Buffer space held by all datagrams in reassembly together.</summary>
    public long MaxFragmentBytesTotal { get; init; } = 16L * 1024 * 1024;

    /// <summary>
    /// IPv4 reassembly timeout, counted from the first fragment. 30 s as Linux's ipfrag_time; RFC 791 suggests
    /// 15 s and RFC 1122 §3.3.2 60 to 120 s, so this is a compromise between memory and patience.
    /// </summary>
    public TimeSpan IPv4FragmentTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>IPv6 reassembly timeout: 60 s from the first-arriving fragment, as RFC 8200 §4.5 prescribes.</summary>
    public TimeSpan IPv6FragmentTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Anomalies of one kind emitted before the decoder only counts them (<see cref="DecoderCounters.AnomaliesSuppressed"/>),
    /// so a capture of garbage cannot flood the record sink.
    /// </summary>
    public int MaxAnomaliesPerKind { get; init; } = 1000;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxFragmentDatagramsInFlight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxBytesPerDatagram);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFragmentBytesTotal, MaxBytesPerDatagram);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IPv4FragmentTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IPv6FragmentTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxAnomaliesPerKind);
    }
}
