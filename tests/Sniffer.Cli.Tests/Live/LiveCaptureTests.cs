using System.Net;
using System.Net.Sockets;
using Sniffer.Capture.Files;
using Sniffer.Capture.Live;
using Sniffer.Core.Records;
using Sniffer.Engine;
using Sniffer.TestSupport;
using Sniffer.TestSupport.CaptureFiles;
using Xunit;

namespace Sniffer.Cli.Tests.Live;

/// <summary>Real libpcap capture on the loopback interface, with real connections made by the test.</summary>
public sealed class LiveCaptureTests
{
    private const int Connections = 25;

    [LiveCaptureFact]
    public void EveryHandshakeOnTheFilteredPortIsCapturedAndDropCountersAreRead()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var sink = new ListSink();
        using var pipeline = new AnalysisPipeline(new PipelineOptions(), sink);
        using LiveCapture capture = LiveCapture.Start(new LiveCaptureOptions { InterfaceName = "lo", Filter = $"tcp port {port}" });
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60)); // bound: never hang CI
        LiveCaptureResult? result = null;
        var analysis = new Thread(() => result = LiveAnalysis.Run(capture, pipeline, duration: null, stop.Token));
        analysis.Start();

        var server = Task.Run(() => Serve(listener, Connections));
        for (int i = 0; i < Connections; i++) PingOnce(port);
        Assert.True(server.Wait(TimeSpan.FromSeconds(20)), "loopback server did not finish");

        // Give libpcap's buffer time to hand over the last FINs, then stop.
        Thread.Sleep(500);
        stop.Cancel();
        Assert.True(analysis.Join(TimeSpan.FromSeconds(20)), "live analysis did not stop");

        var flows = sink.Records.OfType<FlowRecord>().Where(f => f.ServerPort == port).ToList();
        Assert.Equal(Connections, flows.Count);
        Assert.All(flows, f =>
        {
            Assert.NotNull(f.HandshakeRttNs);
            Assert.Equal(5, f.ClientPayloadBytes);
            Assert.Equal(5, f.ServerPayloadBytes);
        });
        Assert.NotNull(result);
        Assert.True(result!.Counters.KernelStatisticsRead, "libpcap's drop counters were not read");
        Assert.True(result.Counters.KernelReceived >= result.PacketsAnalysed);
        Assert.Equal(0, result.Counters.DroppedByUs);
    }

    [LiveCaptureFact]
    public void TheSavedFileKeepsEveryPacketLibpcapDeliveredWhenTheAnalysisFallsBehind()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var output = TemporaryFile.WithContent([], ".pcap");

        // A queue of four packets that nobody drains: the analysis has fallen as far behind as it can.
        var options = new LiveCaptureOptions { InterfaceName = "lo", Filter = $"tcp port {port}", QueuePackets = 4, SaveTo = output.Path };
        LiveCaptureCounters counters;
        using (LiveCapture capture = LiveCapture.Start(options))
        {
            var server = Task.Run(() => Serve(listener, Connections));
            for (int i = 0; i < Connections; i++) PingOnce(port);
            Assert.True(server.Wait(TimeSpan.FromSeconds(20)), "loopback server did not finish");
            Thread.Sleep(500); // the last FINs reach libpcap
            capture.Stop();
            counters = capture.Counters;
            Assert.Null(capture.SaveError);
        }

        using CaptureFileReader reader = CaptureFileReader.Open(output.Path);
        long frames = 0;
        while (reader.TryReadNext(out _)) frames++;
        // 25 connections are at least 7 packets each (handshake, ping, pong, two FINs and their ACKs).
        Assert.True(counters.Received >= 7 * Connections, $"{counters.Received} packets received");
        Assert.True(counters.DroppedByUs >= counters.Received - 4, $"{counters.DroppedByUs} of {counters.Received} dropped by the analysis queue");
        Assert.Equal(counters.Received, counters.Saved);
        Assert.Equal(counters.Received, frames);
    }

    [LiveCaptureFact]
    public void AFileThatCannotBeWrittenIsASetupErrorNamingIt()
    {
        string path = Path.Combine(Path.GetTempPath(), $"sniffer-no-such-folder-{Guid.NewGuid():N}", "out.pcap");

        var error = Assert.Throws<CaptureSetupException>(() => LiveCapture.Start(new LiveCaptureOptions { InterfaceName = "lo", SaveTo = path }));
        Assert.StartsWith($"cannot write {path}: ", error.Message);
    }

    [LiveCaptureFact]
    public void InvalidFilterIsReportedWithLibpcapsMessage()
    {
        var error = Assert.Throws<CaptureSetupException>(() => LiveCapture.Start(new LiveCaptureOptions { InterfaceName = "lo", Filter = "tcp port banana" }));
        Assert.Contains("invalid capture filter 'tcp port banana'", error.Message);
    }

    [LiveCaptureFact]
    public void UnknownInterfaceListsTheRealOnes()
    {
        var error = Assert.Throws<CaptureSetupException>(() => LiveCapture.Start(new LiveCaptureOptions { InterfaceName = "no-such-if0" }));
        Assert.Contains("no capture interface named 'no-such-if0'", error.Message);
        Assert.Contains("lo", error.Message);
    }

    private static void Serve(TcpListener listener, int connections)
    {
        var buffer = new byte[16];
        for (int i = 0; i < connections; i++)
        {
            using TcpClient accepted = listener.AcceptTcpClient();
            NetworkStream stream = accepted.GetStream();
            stream.ReadTimeout = 5000;
            stream.ReadExactly(buffer, 0, 5);
            stream.Write("pong\n"u8);
        }
    }

    private static void PingOnce(int port)
    {
        using var client = new TcpClient();
        client.Connect(IPAddress.Loopback, port);
        NetworkStream stream = client.GetStream();
        stream.ReadTimeout = 5000;
        stream.Write("ping\n"u8);
        var buffer = new byte[5];
        stream.ReadExactly(buffer, 0, 5);
    }
}
