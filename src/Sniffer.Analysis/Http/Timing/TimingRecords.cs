using Sniffer.Core.Records;

namespace Sniffer.Analysis.Http.Timing;

/// <summary>
/// Where one object's time went, in the order a non-persistent fetch spends it: connect (the handshake RTT,
/// only on a connection's first exchange), send, wait (time to first byte) and receive (transmission).
/// <see cref="SnifferRecord.FlowId"/> and <see cref="SnifferRecord.TimeNs"/> are the transaction's.
/// </summary>
[StoreCollection("object_timings")]
public sealed class ObjectTiming : SnifferRecord
{
    public required string Client { get; init; }

    public required string Url { get; init; }

    public int Index { get; init; }

    /// <summary>The connection's handshake RTT, charged to its first exchange only; null on later ones or when unmeasured.</summary>
    public long? ConnectNs { get; init; }

    public long? SendNs { get; init; }

    public long? WaitNs { get; init; }

    public long? ReceiveNs { get; init; }
}

/// <summary>
/// One HTTP connection and what persistence saved on it. A non-persistent client pays a TCP handshake per
/// object (about 2 RTT + transmission time each); a persistent one pays it once, so it saves
/// (requests − 1) handshake RTTs. <see cref="SnifferRecord.TimeNs"/> is the connection's first packet.
/// </summary>
[StoreCollection("connection_reuse")]
public sealed class ConnectionReuseSummary : SnifferRecord
{
    public required string Client { get; init; }

    /// <summary>"192.0.2.10:80".</summary>
    public required string Server { get; init; }

    /// <summary>Host of the first request (as sent, lower case), or <see cref="Server"/> without one.</summary>
    public required string Host { get; init; }

    /// <summary>Requests carried, the first included.</summary>
    public int Requests { get; init; }

    public long? HandshakeRttNs { get; init; }

    /// <summary>Requests − 1: the handshakes a non-persistent client would have made in addition.</summary>
    public int HandshakesSaved { get; init; }

    /// <summary><see cref="HandshakesSaved"/> × <see cref="HandshakeRttNs"/>; null when the handshake was not seen.</summary>
    public long? RttSavedNs { get; init; }

    public bool Persistent => Requests > 1;
}

/// <summary>One histogram bucket: samples above the previous bucket's bound, up to and including <see cref="UpperBoundNs"/>.</summary>
public sealed record LatencyBucket(long UpperBoundNs, int Count);

/// <summary>
/// A latency distribution for the UI and reports to draw: order statistics plus a histogram on fixed
/// 1-2-5 bounds from 1 µs to 10 s (and an overflow bucket), identical for every distribution so they compare.
/// </summary>
public sealed class LatencyDistribution
{
    public int Count { get; init; }

    public long? MinNs { get; init; }

    /// <summary>Nearest-rank percentiles: the smallest sample with at least that share of samples at or below it.</summary>
    public long? MedianNs { get; init; }

    public long? P90Ns { get; init; }

    /// <summary>The percentile issue reports quote beside the median (what one slow request in twenty waits).</summary>
    public long? P95Ns { get; init; }

    public long? MaxNs { get; init; }

    public required IReadOnlyList<LatencyBucket> Buckets { get; init; }
}

/// <summary>
/// Connection reuse and latency for one host, or for the whole capture when <see cref="Host"/> is null:
/// handshake RTT per connection and time to first byte per request.
/// </summary>
[StoreCollection("summaries", Kind = "timing")]
public sealed class TimingSummary : SnifferRecord
{
    /// <summary>The host (as sent, lower case); null for the whole capture; "(other hosts)" past the host limit.</summary>
    public string? Host { get; init; }

    public int Connections { get; init; }

    public int Requests { get; init; }

    public int HandshakesSaved { get; init; }

    /// <summary>Sum over the connections whose handshake RTT is known.</summary>
    public long RttSavedNs { get; init; }

    public required LatencyDistribution HandshakeRtt { get; init; }

    public required LatencyDistribution TimeToFirstByte { get; init; }
}
