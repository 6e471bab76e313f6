using Sniffer.Core.Records;
using Sniffer.Dissectors.Http.Records;
using Sniffer.Reports.Export;
using Sniffer.Storage;
using Sniffer.TestSupport;
using Xunit;

namespace Sniffer.Reports.Tests;

public sealed class PcapExportTests
{
    [Fact]
    public void A_flow_on_reused_ports_exported_and_read_back_gives_that_flows_transactions_only()
    {
        // Two connections on the same 4-tuple, 2 s apart: only the time span tells their packets apart.
        using var store = AnalysedStore.FromCapture(Path.Combine(RepositoryPaths.Captures, "tcp", "port-reuse.pcap"));
        IReadOnlyList<Stored<FlowRecord>> flows = store.Reader.Flows(new Page(0, 10));
        Assert.Equal(2, flows.Count);
        Assert.Equal(flows[0].Record.Client, flows[1].Record.Client);

        foreach (Stored<FlowRecord> flow in flows) AssertRoundTrip(store, flow);
    }

    [SharedCapturesFact]
    public void Each_flow_of_a_real_capture_exported_and_read_back_gives_the_same_transactions()
    {
        using var store = AnalysedStore.FromCapture(RepositoryPaths.Shared("real/http-keepalive-nginx.pcap"));
        IReadOnlyList<Stored<FlowRecord>> flows = store.Reader.Flows(new Page(0, 100));
        Assert.True(flows.Count >= 2);
        foreach (Stored<FlowRecord> flow in flows.Where(f => f.Record.Protocol == "http")) AssertRoundTrip(store, flow);
    }

    [Fact]
    public void A_missing_source_capture_is_a_clear_error()
    {
        using var store = AnalysedStore.FromCapture(CopyOf(Path.Combine(RepositoryPaths.Captures, "tcp", "http-keepalive.pcap")));
        File.Delete(store.Capture);
        Stored<FlowRecord> flow = store.Reader.Flows(Page.First(1)).Single();

        var error = Assert.Throws<ExportException>(() => new PcapExport(store.Reader).Write([flow], store.File("out.pcap"), false, ExportProgress.None));

        Assert.Contains(store.Capture, error.Message);
        Assert.Contains("no longer exists", error.Message);
        Assert.False(File.Exists(store.File("out.pcap")));
    }

    private static void AssertRoundTrip(AnalysedStore store, Stored<FlowRecord> flow)
    {
        string pcap = store.File($"flow-{flow.Record.FlowId}.pcap");
        PcapExportResult result = new PcapExport(store.Reader).Write([flow], pcap, force: false, ExportProgress.None);
        Assert.Equal(flow.Record.ClientPackets + flow.Record.ServerPackets, result.Frames);

        using var exported = AnalysedStore.FromCapture(pcap);
        Assert.Equal(1, exported.Reader.CountFlows());
        List<string> expected = Transactions(store, flow.Record.FlowId);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, Transactions(exported, exported.Reader.Flows(Page.First(1)).Single().Record.FlowId));
    }

    private static List<string> Transactions(AnalysedStore store, long flow) =>
        store.Reader.ForFlow<HttpTransaction>(StoreCollections.Http, 1, flow)
            .Select(h => h.Record)
            .OrderBy(h => h.Index)
            .Select(h => $"{h.Index} {h.Request?.Method} {h.Request?.Target} {h.Response?.StatusCode} {h.Response?.Body?.Sha256}")
            .ToList();

    private static string CopyOf(string capture)
    {
        string copy = Path.Combine(Path.GetTempPath(), $"sniffer-source-{Guid.NewGuid():N}.pcap");
        File.Copy(capture, copy);
        return copy;
    }
}
