using Sniffer.Analysis.Http;
using Sniffer.Analysis.Http.Cookies;
using Sniffer.Core.Records;
using Sniffer.TestSupport;
using static Sniffer.Analysis.Tests.Support.Exchanges;

namespace Sniffer.Analysis.Tests.Http;

/// <summary>The tap's contract with the sinks around it.</summary>
public sealed class HttpAnalysisTapTests
{
    [Fact]
    public void RecordsPassThroughUnchangedAndTheResultsFollowAtCompletion()
    {
        var sink = new ListSink();
        var analysis = new HttpAnalysis(next: sink);
        SnifferRecord transaction = Get(1, 1, "example.com", "/", Start, setCookies: [SetCookie("a", "1")]);
        SnifferRecord flow = Flow(1, "192.0.2.10", "198.51.100.1:80", Start);
        analysis.Emit(transaction);
        analysis.Emit(flow);
        Assert.Equal([transaction, flow], sink.Records);

        HttpAnalysisReport report = analysis.Complete();
        Assert.Equal([transaction, flow, .. report.Records()], sink.Records);
        Assert.Contains(sink.Records, r => r is CookieJarEntry);
        Assert.Same(report, analysis.Complete());
        Assert.Equal(2 + report.Records().Count(), sink.Records.Count);
    }

    [Fact]
    public void ExchangesPastTheLimitAreCountedNotAnalysed()
    {
        var analysis = new HttpAnalysis(HttpAnalysisOptions.Default with { MaxExchanges = 2 });
        for (int i = 1; i <= 3; i++) analysis.Emit(Get(1, i, "example.com", "/", Start + i * Second));
        analysis.Emit(Flow(1, "192.0.2.10", "198.51.100.1:80", Start));

        HttpAnalysisReport report = analysis.Complete();
        Assert.Equal((2L, 1L), (report.Exchanges, report.ExchangesDropped));
        Assert.Equal(2, report.Connections.Single().Requests);
    }

    [Fact]
    public void WithoutFlowRecordsTheClientIsUnknownButTheAnalysesStillRun()
    {
        var analysis = new HttpAnalysis();
        analysis.Emit(Get(1, 1, "example.com", "/", Start, setCookies: [SetCookie("a", "1")]));

        HttpAnalysisReport report = analysis.Complete();
        Assert.Equal("", Assert.Single(report.CookieJars).Client);
        Assert.Null(Assert.Single(report.Connections).HandshakeRttNs);
    }
}
