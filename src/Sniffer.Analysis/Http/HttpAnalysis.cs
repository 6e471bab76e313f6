using Sniffer.Analysis.Http.Caching;
using Sniffer.Analysis.Http.Cookies;
using Sniffer.Analysis.Http.Timing;
using Sniffer.Core.Dissection;
using Sniffer.Core.Records;
using Sniffer.Dissectors.Http.Records;

namespace Sniffer.Analysis.Http;

/// <summary>
/// The cross-transaction HTTP analyses as a tap (Wireshark's sense): it watches the records on their way to
/// the next sink, passing every one on unchanged, and at <see cref="Complete"/> works out cookie jars,
/// conditional GET savings and connection timings, and emits them to the next sink as records to store.
/// </summary>
/// <remarks>
/// The work waits for the end because the joins span connections: a <see cref="FlowRecord"/> (the client's
/// address, the handshake RTT) is emitted only when its connection ends, after its transactions, and a cookie
/// or a 200 on a long-lived connection is often used on another that ends sooner. So exchanges are kept, in
/// compact form, up to <see cref="HttpAnalysisOptions.MaxExchanges"/>, and replayed in capture order at the end:
/// each request at its first byte and each response at its first byte, as a user agent sees them.
/// </remarks>
public sealed class HttpAnalysis : IRecordSink
{
    private readonly HttpAnalysisOptions _options;
    private readonly IRecordSink? _next;
    private readonly List<Exchange> _exchanges = [];
    private readonly HashSet<long> _httpFlows = [];
    private readonly Dictionary<long, Connection> _connections = [];
    private long _dropped;
    private long _lastNs;
    private HttpAnalysisReport? _report;

    /// <param name="next">The sink records go on to (the store), or null for a tap at the end of the chain.</param>
    public HttpAnalysis(HttpAnalysisOptions? options = null, IRecordSink? next = null)
    {
        _options = options ?? HttpAnalysisOptions.Default;
        _next = next;
    }

    /// <summary>Notes what the analyses need and passes the record on. Records after <see cref="Complete"/> are only passed on.</summary>
    public void Emit(SnifferRecord record)
    {
        if (_report is null) Observe(record);
        _next?.Emit(record);
    }

    /// <summary>
    /// Runs the analyses over everything seen, emits the results to the next sink and returns them. Call after
    /// the pipeline has completed, so every flow record is in; later calls return the same report.
    /// </summary>
    public HttpAnalysisReport Complete()
    {
        if (_report is not null) return _report;
        _report = Analyse();
        foreach (SnifferRecord record in _report.Records()) _next?.Emit(record);
        return _report;
    }

    private void Observe(SnifferRecord record)
    {
        switch (record)
        {
            case HttpTransaction transaction when _exchanges.Count < _options.MaxExchanges:
                _exchanges.Add(Exchange.From(transaction, _exchanges.Count));
                _httpFlows.Add(transaction.FlowId);
                break;
            case HttpTransaction:
                _dropped++;
                break;
            case FlowRecord flow when _httpFlows.Contains(flow.FlowId):
                _connections[flow.FlowId] = Connection.From(flow);
                break;
        }
        _lastNs = Math.Max(_lastNs, record switch
        {
            FlowRecord flow => flow.LastPacketNs,
            HttpTransaction transaction => transaction.Timings.ResponseEndNs ?? transaction.TimeNs,
            _ => record.TimeNs,
        });
    }

    private HttpAnalysisReport Analyse()
    {
        List<Observed> observed = _exchanges.Select(e => new Observed(e, _connections.GetValueOrDefault(e.FlowId))).ToList();

        var timing = new TimingAnalyzer(_options);
        foreach (var connection in observed.GroupBy(o => o.Exchange.FlowId)
                     .OrderBy(g => g.First().Connection?.FirstPacketNs ?? g.First().Exchange.TimeNs).ThenBy(g => g.Key))
        {
            timing.OnConnection(connection.OrderBy(o => o.Exchange.Index).ToList());
        }

        var cookies = new CookieAnalyzer(_options);
        var caching = new ConditionalGetAnalyzer(_options, ConnectionThroughput.Measure(_exchanges));
        foreach ((Observed exchange, bool isResponse) in CaptureOrder(observed))
        {
            if (isResponse)
            {
                cookies.OnResponse(exchange);
                caching.OnResponse(exchange);
            }
            else cookies.OnRequest(exchange);
        }

        return new HttpAnalysisReport
        {
            CookieJars = cookies.Jars(_lastNs),
            UnseenCookies = cookies.Unseen(),
            TrackingIdentifiers = cookies.TrackingIdentifiers(),
            RejectedSetCookies = cookies.RejectedSetCookies,
            ConditionalGetSavings = caching.Savings,
            ConditionalGet = caching.Summary(_lastNs),
            ObjectTimings = timing.Objects,
            Connections = timing.Connections,
            Timing = timing.Overall(_lastNs),
            HostTimings = timing.Hosts(_lastNs),
            Exchanges = _exchanges.Count,
            ExchangesDropped = _dropped,
        };
    }

    /// <summary>
    /// Requests and responses in the order their first bytes were captured; ties keep the order the
    /// transactions arrived in, and a request before its own response.
    /// </summary>
    private static IEnumerable<(Observed Exchange, bool IsResponse)> CaptureOrder(List<Observed> observed) =>
        observed.Where(o => o.Exchange.Method is not null).Select(o => (Exchange: o, IsResponse: false, TimeNs: o.RequestNs))
            .Concat(observed.Where(o => o.Exchange.StatusCode is not null).Select(o => (Exchange: o, IsResponse: true, TimeNs: o.ResponseNs)))
            .OrderBy(e => e.TimeNs).ThenBy(e => e.Exchange.Exchange.Sequence).ThenBy(e => e.IsResponse)
            .Select(e => (e.Exchange, e.IsResponse));
}
