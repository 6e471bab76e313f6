using System.Diagnostics;
using Sniffer.Capture.Files;
using Sniffer.Core.Packets;
using Sniffer.TestSupport;
using Sniffer.TestSupport.CaptureFiles;
using Xunit.Abstractions;

namespace Sniffer.Capture.Tests.Files;

/// <summary>
/// Every capture in ../shared/captures (pcap, pcapng, gzip) reads to its end, with the packet count capinfos
/// (Wireshark's) reports. The damaged ones under real/damaged have packets dropped, reordered, duplicated or cut
/// to a snaplen by editcap, but their file structure is sound, so they too must read without warnings.
/// </summary>
public sealed class SharedCaptureTests(ITestOutputHelper output)
{
    public static TheoryData<string> SharedCaptureFiles()
    {
        var files = new TheoryData<string>();
        if (RepositoryPaths.SharedCaptures is not { } root) return files;
        foreach (string path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                     .Where(p => p.EndsWith(".pcap", StringComparison.Ordinal) || p.EndsWith(".pcapng", StringComparison.Ordinal) || p.EndsWith(".gz", StringComparison.Ordinal))
                     .Order(StringComparer.Ordinal))
        {
            files.Add(Path.GetRelativePath(root, path));
        }
        return files;
    }

    [SharedCapturesTheory]
    [MemberData(nameof(SharedCaptureFiles))]
    public void Shared_capture_reads_to_the_end_with_capinfos_packet_count(string relativePath)
    {
        string path = RepositoryPaths.Shared(relativePath);
        using CaptureFileReader reader = CaptureFileReader.Open(path);
        while (reader.TryReadNext(out CaptureFrame frame))
        {
            Assert.True(frame.Data.Length <= frame.OriginalLength);
        }

        Assert.Empty(reader.Warnings);
        Assert.NotEmpty(reader.Interfaces);
        output.WriteLine($"{relativePath}: {reader.Format}, {reader.FramesRead} frames, link types {string.Join(", ", reader.Interfaces.Select(i => i.LinkType))}");

        if (CapinfosPacketCount(path) is { } expected) Assert.Equal(expected, reader.FramesRead);
        else output.WriteLine("capinfos is not on PATH (install tshark): packet count not compared");
    }

    [SharedCapturesFact]
    public void Gzipped_real_capture_reads_exactly_like_the_original()
    {
        string original = RepositoryPaths.Shared("real/smtp-swaks-aiosmtpd.pcap");
        using TemporaryFile compressed = TemporaryFile.WithContent(Gzip.Compress(File.ReadAllBytes(original)), ".pcap.gz");

        ReadOutcome expected = CaptureReadBack.ReadAll(original);
        ReadOutcome actual = CaptureReadBack.ReadAll(compressed.Path);

        Assert.True(actual.IsCompressed);
        Assert.NotEmpty(actual.Frames);
        Assert.Equal(expected.Frames, actual.Frames);
    }

    /// <summary>capinfos -c -M in its table form, or null when capinfos cannot be run.</summary>
    private static long? CapinfosPacketCount(string path)
    {
        var start = new ProcessStartInfo("capinfos") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { "-T", "-r", "-c", "-M", path }) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
        using (process)
        {
            string table = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"capinfos failed on {path}: {process.StandardError.ReadToEnd()}");
            return long.Parse(table.TrimEnd().Split('\t')[^1], System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
