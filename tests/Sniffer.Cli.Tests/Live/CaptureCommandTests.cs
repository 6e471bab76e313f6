using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Sniffer.Capture.Files;
using Sniffer.Core.Packets;
using Sniffer.TestSupport;
using Sniffer.TestSupport.CaptureFiles;
using Xunit;

namespace Sniffer.Cli.Tests.Live;

/// <summary>`sniffer interfaces` and `sniffer capture` as a user runs them, on the loopback interface.</summary>
public sealed class CaptureCommandTests
{
    [LiveCaptureFact]
    public void InterfacesListsLoopbackWithFlagsAndLinkType()
    {
        ProcessResult result = SnifferProcess.Run("interfaces");
        Assert.Equal(0, result.ExitCode);
        string[] lines = result.StandardOutput.Split('\n');
        int lo = Array.FindIndex(lines, l => l.Contains(". lo"));
        Assert.True(lo >= 0, result.StandardOutput);
        Assert.Contains("Ethernet (1)", lines[lo + 1]);
        Assert.Contains("loopback", lines[lo + 2]);
        Assert.Contains("127.0.0.1", lines[lo + 3]);
    }

    [LiveCaptureFact]
    public void CaptureWritesEveryPacketAndStopsOnCount()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var output = TemporaryFile.WithContent([], ".pcap");

        string[] arguments = ["capture", "-i", "lo", "-f", $"tcp port {port}", "-w", output.Path, "--count", "10", "--duration", "30s"];
        using Process sniffer = SnifferProcess.Start(arguments);
        WaitUntilCapturing(sniffer);
        // Each connection is 3 handshake packets at least; 5 connections give well over 10.
        for (int i = 0; i < 5; i++) ConnectAndClose(listener, port);
        ProcessResult result = SnifferProcess.WaitForExit(sniffer, arguments);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("10 packets captured", result.StandardOutput);
        Assert.Contains("Dropped by kernel:", result.StandardOutput);
        using CaptureFileReader reader = CaptureFileReader.Open(output.Path);
        Assert.Equal(LinkType.Ethernet, reader.Interfaces[0].LinkType);
        int frames = 0;
        while (reader.TryReadNext(out _)) frames++;
        Assert.Equal(10, frames);
    }

    [LiveCaptureFact]
    public void InterruptFlushesAndPrintsTheCounters() => StopsCleanlyOn("INT");

    /// <summary>SIGTERM (kill, a service manager, a script's clean-up) stops as Ctrl-C does, as tcpdump does: nothing in the pcap's buffer is lost.</summary>
    [LiveCaptureFact]
    public void TerminateFlushesAndPrintsTheCounters() => StopsCleanlyOn("TERM");

    private static void StopsCleanlyOn(string signal)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var output = TemporaryFile.WithContent([], ".pcap");

        string[] arguments = ["capture", "-i", "lo", "-f", $"tcp port {port}", "-w", output.Path];
        using Process sniffer = SnifferProcess.Start(arguments);
        WaitUntilCapturing(sniffer);
        for (int i = 0; i < 3; i++) ConnectAndClose(listener, port);
        Thread.Sleep(300);
        SnifferProcess.Signal(sniffer, signal);
        ProcessResult result = SnifferProcess.WaitForExit(sniffer, arguments);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("interrupted", result.StandardOutput);
        Assert.Contains(result.StandardOutput.Split('\n'), l => l.StartsWith("Dropped by sniffer:") && l.Contains(" 0 (analysis queue full)"));
        using CaptureFileReader reader = CaptureFileReader.Open(output.Path);
        int syns = 0;
        while (reader.TryReadNext(out CaptureFrame frame))
        {
            // Ethernet 14 + IPv4 20: TCP flags at byte 13 of the TCP header; SYN without ACK opens a connection.
            if (frame.Data.Length > 47 && (frame.Data[47] & 0x12) == 0x02) syns++;
        }
        Assert.Equal(3, syns);
    }

    [LiveCaptureFact]
    public void CaptureWithDbStoresTheExchangesAsTheyHappenAndNoStoreWritesNone()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var output = TemporaryFile.WithContent([], ".pcap");
        // Not the default path (capture.pcap.sniffer.db), which the --no-store run below must leave absent.
        string db = output.Path + ".chosen.sniffer.db";
        try
        {
            string[] arguments = ["capture", "-i", "lo", "-f", $"tcp port {port}", "-w", output.Path, "--db", db, "--map", $"{port}=http"];
            using Process sniffer = SnifferProcess.Start(arguments);
            WaitUntilCapturing(sniffer);
            for (int i = 0; i < 3; i++) Exchange(listener, port, $"/item/{i}");
            Thread.Sleep(300);
            SnifferProcess.Interrupt(sniffer);
            ProcessResult result = SnifferProcess.WaitForExit(sniffer, arguments);
            Assert.True(result.ExitCode == 0, result.StandardError);

            using (var reader = Sniffer.Storage.SessionStoreReader.Open(db))
            {
                var capture = Assert.Single(reader.Captures());
                Assert.Equal("lo", capture.Source.Interface);
                Assert.Equal($"tcp port {port}", capture.Source.Filter);
                Assert.True(capture.Complete);
                var exchanges = reader.Http(Sniffer.Storage.Page.First(10));
                Assert.Equal(["/item/0", "/item/1", "/item/2"], exchanges.Select(e => e.Record.Request!.Target).Order());
                Assert.All(exchanges, e => Assert.Equal(200, e.Record.Response!.StatusCode));
            }

            string noStoreDb = SessionStoreDefault(output.Path);
            string[] noStore = ["capture", "-i", "lo", "-f", $"tcp port {port}", "-w", output.Path, "--no-store", "--count", "3", "--duration", "30s"];
            using Process second = SnifferProcess.Start(noStore);
            WaitUntilCapturing(second);
            Exchange(listener, port, "/again");
            Assert.Equal(0, SnifferProcess.WaitForExit(second, noStore).ExitCode);
            Assert.False(File.Exists(noStoreDb), "--no-store wrote a database");
        }
        finally
        {
            foreach (string file in Directory.EnumerateFiles(Path.GetDirectoryName(db)!, Path.GetFileName(output.Path) + ".*")) File.Delete(file);
        }
    }

    [Fact]
    public void DbAndNoStoreTogetherAreAUsageError()
    {
        ProcessResult result = SnifferProcess.Run("capture", "-i", "lo", "--db", "x.sniffer.db", "--no-store");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--db and --no-store contradict each other", result.StandardError);
    }

    private static string SessionStoreDefault(string capture) => Sniffer.Storage.SessionStore.DefaultPathFor(capture);

    /// <summary>One HTTP/1.1 exchange on its own connection: the request, a 2-byte answer, both sides close.</summary>
    private static void Exchange(TcpListener listener, int port, string target)
    {
        using var client = new TcpClient();
        client.Connect(IPAddress.Loopback, port);
        using TcpClient accepted = listener.AcceptTcpClient();
        client.GetStream().Write(System.Text.Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: test\r\n\r\n"));
        byte[] request = new byte[1024];
        int read = 0;
        NetworkStream server = accepted.GetStream();
        server.ReadTimeout = 5000;
        while (read < 4 || !System.Text.Encoding.ASCII.GetString(request, 0, read).EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            int n = server.Read(request, read, request.Length - read);
            if (n == 0) break;
            read += n;
        }
        server.Write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"u8);
        byte[] response = new byte[256];
        client.GetStream().ReadTimeout = 5000;
        int got = 0;
        while (got < 40)
        {
            int n = client.GetStream().Read(response, got, response.Length - got);
            if (n == 0) break;
            got += n;
        }
    }

    /// <summary>sniffer says on stderr when libpcap is listening; packets sent before that would be missed.</summary>
    private static void WaitUntilCapturing(Process sniffer)
    {
        var ready = sniffer.StandardError.ReadLineAsync();
        Assert.True(ready.Wait(TimeSpan.FromSeconds(30)), "sniffer did not start capturing");
        Assert.StartsWith("Capturing on 'lo'", ready.Result);
    }

    private static void ConnectAndClose(TcpListener listener, int port)
    {
        using var client = new TcpClient();
        client.Connect(IPAddress.Loopback, port);
        using TcpClient accepted = listener.AcceptTcpClient();
    }
}
