namespace Sniffer.Analysis.Http.Caching;

/// <summary>
/// The rate at which one connection delivered responses, to price the bytes a 304 spared in time.
/// </summary>
/// <remarks>
/// throughput = Σ response bytes / Σ receive time, over the connection's 200 responses whose first and last
/// bytes arrived at different times (a response in one segment has no measurable receive time). Response bytes
/// are the status line, header section and body as they crossed the wire; receive time is
/// <c>HttpTimings.ReceiveNs</c>, first to last byte. Time saved = bytes saved / throughput: the transmission
/// time of the object. No RTT is added, since the 304 still cost the round trip the 200 would have.
/// Slow start makes a short transfer slower per byte than a long one, so on a connection of small objects
/// this overestimates the time a large object would have taken.
/// </remarks>
internal static class ConnectionThroughput
{
    /// <summary>Bytes per nanosecond for each connection that gave a measure.</summary>
    public static Dictionary<long, double> Measure(IEnumerable<Exchange> exchanges)
    {
        var totals = new Dictionary<long, (long Bytes, long Ns)>();
        foreach (Exchange exchange in exchanges)
        {
            if (exchange.StatusCode != 200 || exchange.Timings.ReceiveNs is not > 0) continue;
            (long bytes, long ns) = totals.GetValueOrDefault(exchange.FlowId);
            totals[exchange.FlowId] = (bytes + exchange.ResponseBytes, ns + exchange.Timings.ReceiveNs.Value);
        }
        return totals.ToDictionary(pair => pair.Key, pair => (double)pair.Value.Bytes / pair.Value.Ns);
    }
}
