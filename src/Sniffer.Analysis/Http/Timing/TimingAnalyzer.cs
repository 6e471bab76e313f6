namespace Sniffer.Analysis.Http.Timing;

/// <summary>
/// Per object, per connection and per host: where the time went, and what persistent connections saved
/// against non-persistent HTTP, which opens a connection (one handshake RTT) for every object.
/// </summary>
internal sealed class TimingAnalyzer(HttpAnalysisOptions options)
{
    public const string OtherHosts = "(other hosts)";

    private readonly List<ObjectTiming> _objects = [];
    private readonly List<ConnectionReuseSummary> _connections = [];
    private readonly Dictionary<string, HostTally> _hosts = new(StringComparer.Ordinal);
    private readonly HostTally _all = new();

    public IReadOnlyList<ObjectTiming> Objects => _objects;

    public IReadOnlyList<ConnectionReuseSummary> Connections => _connections;

    /// <summary>One connection's exchanges, in order on the connection.</summary>
    public void OnConnection(IReadOnlyList<Observed> exchanges)
    {
        Observed first = exchanges[0];
        Connection? connection = first.Connection;
        long? rtt = connection?.HandshakeRttNs;
        int requests = exchanges.Count(e => e.Exchange.Method is not null);
        int saved = Math.Max(0, requests - 1);
        var summary = new ConnectionReuseSummary
        {
            FlowId = first.Exchange.FlowId,
            TimeNs = connection?.FirstPacketNs ?? first.Exchange.TimeNs,
            Client = first.Client,
            Server = connection?.Server ?? "",
            Host = first.Authority,
            Requests = requests,
            HandshakeRttNs = rtt,
            HandshakesSaved = saved,
            RttSavedNs = saved * rtt,
        };
        _connections.Add(summary);
        _all.AddConnection(summary);
        HostOf(first.Authority).AddConnection(summary);

        foreach (Observed observed in exchanges)
        {
            Exchange exchange = observed.Exchange;
            _objects.Add(new ObjectTiming
            {
                FlowId = exchange.FlowId,
                TimeNs = exchange.TimeNs,
                Client = observed.Client,
                Url = observed.Url,
                Index = exchange.Index,
                ConnectNs = exchange.Index == 1 ? rtt : null,
                SendNs = exchange.Timings.SendNs,
                WaitNs = exchange.Timings.WaitNs,
                ReceiveNs = exchange.Timings.ReceiveNs,
            });
            // A 100 Continue arrives before the request body ends, so its wait is negative: not a time to first byte.
            if (exchange.Timings.WaitNs is { } ttfb and >= 0)
            {
                _all.TimesToFirstByte.Add(ttfb);
                HostOf(observed.Authority).TimesToFirstByte.Add(ttfb);
            }
        }
    }

    public TimingSummary Overall(long timeNs) => _all.ToSummary(null, timeNs);

    public IReadOnlyList<TimingSummary> Hosts(long timeNs) =>
        _hosts.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => pair.Value.ToSummary(pair.Key, timeNs)).ToList();

    private HostTally HostOf(string authority)
    {
        if (_hosts.TryGetValue(authority, out HostTally? tally)) return tally;
        if (_hosts.Count >= options.MaxHosts) authority = OtherHosts;
        if (!_hosts.TryGetValue(authority, out tally)) _hosts[authority] = tally = new HostTally();
        return tally;
    }

    private sealed class HostTally
    {
        private int _connections, _requests, _handshakesSaved;
        private long _rttSavedNs;

        public List<long> HandshakeRtts { get; } = [];

        public List<long> TimesToFirstByte { get; } = [];

        public void AddConnection(ConnectionReuseSummary connection)
        {
            _connections++;
            _requests += connection.Requests;
            _handshakesSaved += connection.HandshakesSaved;
            _rttSavedNs += connection.RttSavedNs ?? 0;
            if (connection.HandshakeRttNs is { } rtt) HandshakeRtts.Add(rtt);
        }

        public TimingSummary ToSummary(string? host, long timeNs) => new()
        {
            TimeNs = timeNs,
            Host = host,
            Connections = _connections,
            Requests = _requests,
            HandshakesSaved = _handshakesSaved,
            RttSavedNs = _rttSavedNs,
            HandshakeRtt = LatencyStatistics.Of(HandshakeRtts),
            TimeToFirstByte = LatencyStatistics.Of(TimesToFirstByte),
        };
    }
}
