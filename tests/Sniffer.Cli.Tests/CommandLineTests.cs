using Sniffer.Cli.Tests.Captures;
using Sniffer.TestSupport;
using Sniffer.TestSupport.CaptureFiles;
using Xunit;

namespace Sniffer.Cli.Tests;

/// <summary>The real executable: help on every command, exit codes 0 / 1 / 2, clear one-line errors.</summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData]
    [InlineData("interfaces")]
    [InlineData("capture")]
    [InlineData("read")]
    [InlineData("bench")]
    [InlineData("bench", "read")]
    [InlineData("bench", "reassemble")]
    [InlineData("bench", "dissect")]
    [InlineData("open")]
    [InlineData("report")]
    [InlineData("export")]
    [InlineData("ui")]
    [InlineData("serve")]
    [InlineData("generate")]
    [InlineData("demo")]
    public void EveryCommandHasHelp(params string[] command)
    {
        ProcessResult result = SnifferProcess.Run([.. command, "--help"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.StandardOutput);
    }

    [Theory]
    [InlineData("read")]
    [InlineData("read", "--no-such-option", "x.pcap")]
    [InlineData("capture")]
    [InlineData("capture", "-i", "lo", "--duration", "soon")]
    [InlineData("capture", "-i", "lo", "--count", "0")]
    [InlineData("read", "--map", "http", "x.pcap")]
    [InlineData("frobnicate")]
    [InlineData("generate", "--scenario", "teleport")]
    [InlineData("generate", "--http", "not a url")]
    [InlineData("generate", "--smtp", "nohostport")]
    [InlineData("generate", "--count", "0")]
    [InlineData("serve", "--http", "70000")]
    [InlineData("demo", "--duration", "soon")]
    public void UsageErrorsExitWithTwo(params string[] arguments)
    {
        ProcessResult result = SnifferProcess.Run(arguments);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("sniffer: ", result.StandardError);
        Assert.DoesNotContain("   at ", result.StandardError);
    }

    [Fact]
    public void UnknownProtocolInMapIsAUsageError()
    {
        ProcessResult result = SnifferProcess.Run("read", "--map", "8080=gopher", Path.Combine(RepositoryPaths.Captures, "tcp", "http-keepalive.pcap"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("gopher", result.StandardError);
    }

    [Fact]
    public void MissingFileIsAnErrorWithoutStackTrace()
    {
        ProcessResult result = SnifferProcess.Run("read", "/nonexistent/capture.pcap");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("/nonexistent/capture.pcap", result.StandardOutput + result.StandardError);
        Assert.DoesNotContain("   at ", result.StandardError);
    }

    [Fact]
    public void TextFileIsNamedForWhatItIs()
    {
        using var file = TemporaryFile.WithContent("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"u8, ".pcap");
        ProcessResult result = SnifferProcess.Run("read", file.Path);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not a pcap or pcapng file", result.StandardOutput + result.StandardError);
    }

    [Fact]
    public void ReadPrintsTheCaptureSummary()
    {
        int frames = CaptureRecipes.KeepAlive().Frames.Count;
        ProcessResult result = SnifferProcess.Run("read", Path.Combine(RepositoryPaths.Captures, "tcp", "http-keepalive.pcap"));
        Assert.Equal(0, result.ExitCode);
        string[] lines = result.StandardOutput.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("Packets:") && l.TrimEnd().EndsWith($" {frames}"));
        Assert.Contains(lines, l => l.StartsWith("IPv4 / IPv6:") && l.Contains($"{frames} / 0"));
        Assert.Contains(lines, l => l.StartsWith("Link types:") && l.Contains($"Ethernet (1): {frames}"));
        Assert.Contains(lines, l => l.StartsWith("TCP flows:") && l.Contains(" 1 ("));
        Assert.Contains(lines, l => l.Contains("HttpTransaction:") && l.TrimEnd().EndsWith(" 3"));
    }

    [Fact]
    public void PluginsThatCannotLoadAreReportedAndTheAnalysisGoesOn()
    {
        string folder = Directory.CreateTempSubdirectory("sniffer-plugins-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "broken.dll"), "not an assembly");
            ProcessResult result = SnifferProcess.Run("read", "--plugins", folder, Path.Combine(RepositoryPaths.Captures, "tcp", "http-keepalive.pcap"));
            Assert.Equal(0, result.ExitCode);
            Assert.Contains(result.StandardOutput.Split('\n'), l => l.StartsWith("Plug-in error:") && l.Contains("broken.dll"));
            Assert.Contains(result.StandardOutput.Split('\n'), l => l.Contains("HttpTransaction:") && l.TrimEnd().EndsWith(" 3"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("read", "0 flows")]
    [InlineData("reassemble", "1 flows")]
    [InlineData("dissect", "1 flows")]
    public void BenchReportsThroughputAndAllocationPerStage(string stage, string flows)
    {
        ProcessResult result = SnifferProcess.Run("bench", stage, "--passes", "1", Path.Combine(RepositoryPaths.Captures, "tcp", "http-keepalive.pcap"));
        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"{CaptureRecipes.KeepAlive().Frames.Count} packets", result.StandardOutput);
        Assert.Contains(flows + ")", result.StandardOutput);
        Assert.Contains("B allocated/packet", result.StandardOutput);
    }
}
