using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Sniffer.Capture.Files;
using Sniffer.Core.Packets;
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
    public void InterruptFlushesAndPrintsTheCounters()
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
        SnifferProcess.Interrupt(sniffer);
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
