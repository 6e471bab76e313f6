using Sniffer.Core.Dissection;
using Sniffer.Core.Records;
using Sniffer.Dissectors.Http.Records;
using Sniffer.Engine;
using Sniffer.TestSupport;

namespace Sniffer.Integration.Tests.Http;

/// <summary>One HTTP exchange as the whole pipeline reported it, with the connection it travelled on.</summary>
public sealed record ObservedExchange(FlowRecord Flow, HttpTransaction Transaction)
{
    public HttpRequest? Request => Transaction.Request;

    public HttpResponse? Response => Transaction.Response;
}

/// <summary>Runs a capture through decode → reassembly → HTTP dissection and joins each transaction to its flow.</summary>
public sealed class HttpCaptureRun
{
    private HttpCaptureRun(IReadOnlyList<ObservedExchange> exchanges, IReadOnlyList<Anomaly> anomalies, IReadOnlyList<FlowRecord> flows)
    {
        Exchanges = exchanges;
        Anomalies = anomalies;
        Flows = flows;
    }

    /// <summary>In the order the connections started, then in request order on each connection.</summary>
    public IReadOnlyList<ObservedExchange> Exchanges { get; }

    public IReadOnlyList<Anomaly> Anomalies { get; }

    public IReadOnlyList<FlowRecord> Flows { get; }

    /// <summary>Keeps whole bodies (the default cap is 16 MB; the reference captures stay well under 64 MB).</summary>
    public static DissectorSettings KeepBodies { get; } = DissectorSettings.Default with { MaxBodyBytes = 64L * 1024 * 1024 };

    /// <param name="mapPorts">Bind the captures' non-standard HTTP ports as tshark's <c>-d</c> does; without it the dissector must find HTTP by content.</param>
    public static HttpCaptureRun Of(string path, bool mapPorts = false, DissectorSettings? settings = null)
    {
        var sink = new ListSink();
        var options = new PipelineOptions
        {
            Dissectors = settings ?? KeepBodies,
            PortMappings = mapPorts ? [new PortMapping(18080, "http"), new PortMapping(18081, "http")] : [],
        };
        using (var pipeline = new AnalysisPipeline(options, sink))
        {
            CaptureFilesResult result = CaptureFileAnalysis.Read([path], pipeline);
            Assert.False(result.Failed, string.Join("; ", result.Files.Select(f => f.Error)));
        }

        Dictionary<long, FlowRecord> flows = sink.Records.OfType<FlowRecord>().ToDictionary(f => f.FlowId);
        List<ObservedExchange> exchanges = sink.Records.OfType<HttpTransaction>()
            .Select(t => new ObservedExchange(flows[t.FlowId], t))
            .OrderBy(e => e.Flow.FirstPacketNs).ThenBy(e => e.Flow.FlowId).ThenBy(e => e.Transaction.Index)
            .ToList();
        return new HttpCaptureRun(exchanges, sink.Records.OfType<Anomaly>().ToList(), flows.Values.OrderBy(f => f.FirstPacketNs).ToList());
    }
}
