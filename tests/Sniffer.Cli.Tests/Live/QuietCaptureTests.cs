using System.Net;
using System.Net.Sockets;
using Sniffer.Capture.Live;
using Sniffer.Core.Dissection;
using Sniffer.Core.Records;
using Sniffer.Engine;
using Xunit;

namespace Sniffer.Cli.Tests.Live;

/// <summary>A live capture whose interface goes quiet still ends (and so stores) the connections that closed.</summary>
public sealed class QuietCaptureTests
{
    [LiveCaptureFact]
    public void A_closed_connection_is_recorded_while_the_capture_runs_on_without_packets()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var records = new RecordQueue();
        using var pipeline = new AnalysisPipeline(new PipelineOptions(), records);
        using LiveCapture capture = LiveCapture.Start(new LiveCaptureOptions { InterfaceName = "lo", Filter = $"tcp port {port}" });
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Task<LiveCaptureResult> capturing = Task.Factory.StartNew(
            () => LiveAnalysis.Run(capture, pipeline, duration: null, stop.Token), TaskCreationOptions.LongRunning);
        try
        {
            using (var client = new TcpClient())
            {
                client.Connect(IPAddress.Loopback, port);
                using TcpClient accepted = listener.AcceptTcpClient();
            }

            // No packet follows the FIN exchange: only the clock can end the flow after its close linger (5 s).
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (records.Flows == 0 && DateTime.UtcNow < deadline && !capturing.IsCompleted) Thread.Sleep(100);
            Assert.False(capturing.IsCompleted, "the capture stopped by itself");
            Assert.Equal(1, records.Flows);
        }
        finally
        {
            stop.Cancel();
            capturing.Wait(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Records arrive on the capture's thread and are counted here from the test's.</summary>
    private sealed class RecordQueue : IRecordSink
    {
        private int _flows;

        public int Flows => Volatile.Read(ref _flows);

        public void Emit(SnifferRecord record)
        {
            if (record is FlowRecord) Interlocked.Increment(ref _flows);
        }
    }
}
