using Sniffer.Capture.Files;
using Sniffer.Hardening.Tests.Support;
using Sniffer.TestSupport;
using Sniffer.TestSupport.CaptureFiles;

namespace Sniffer.Hardening.Tests;

/// <summary>
/// Cut and corrupted captures (issue 12, item 3): every prefix and random bit flips give frames, a reader warning or a
/// CaptureFileException naming an offset, and never another exception, a hang or lost sound frames.
/// </summary>
public sealed class CaptureFileCorruptionTests
{
    // Sweeping every prefix is quadratic in the file size: every prefix of the first 16 KB (the whole of each
    // synthesised capture in captures/tcp, the file header and first records of the demo capture), then both sides
    // of each record boundary and every cut of the next record header within the first 128 KB, then a stride to the end.
    private const int EveryPrefixUpToBytes = 16 * 1024;
    private const int BoundarySweepUpToBytes = 128 * 1024;
    private const int PrefixStride = 4099;
    private const int FlipsPerCapture = 1000;
    private const int FlipsPerVariant = 8;
    private const int FlippedBytesCap = 64 * 1024;

    public static TheoryData<string> Captures()
    {
        var data = new TheoryData<string>();
        foreach (string path in Directory.EnumerateFiles(RepositoryPaths.Captures, "*.pcap", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(RepositoryPaths.Captures, path));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Every_prefix_yields_exactly_the_whole_records_it_holds_and_a_warning_when_it_cuts_one(string capture)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(RepositoryPaths.Captures, capture));
        List<long> recordEnds = RecordEnds(bytes);
        using var file = TemporaryFile.WithContent([], ".pcap");

        foreach (int length in PrefixLengths(bytes.Length, recordEnds))
        {
            File.WriteAllBytes(file.Path, bytes.AsSpan(0, length));
            if (length < PcapFileBuilder.FileHeaderLength)
            {
                var error = Assert.Throws<CaptureFileException>(() => CaptureFileReader.Open(file.Path));
                Assert.Contains(file.Path, error.Message);
                continue;
            }
            using CaptureFileReader reader = CaptureFileReader.Open(file.Path);
            while (reader.TryReadNext(out _)) { }

            int wholeRecords = recordEnds.Count(end => end <= length);
            Assert.True(wholeRecords == reader.FramesRead, $"prefix of {length} bytes: {reader.FramesRead} frames, expected {wholeRecords}");
            bool cutsARecord = length != PcapFileBuilder.FileHeaderLength && !recordEnds.Contains(length);
            Assert.True(cutsARecord == (reader.Warnings.Count > 0), $"prefix of {length} bytes: warnings [{string.Join("; ", reader.Warnings)}]");
        }
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Bit_flips_in_record_headers_and_payloads_give_anomalies_or_a_located_error_and_keep_the_frames_before_them(string capture)
    {
        byte[] original = File.ReadAllBytes(Path.Combine(RepositoryPaths.Captures, capture));
        List<long> recordEnds = RecordEnds(original);
        // Large captures are cut at a record boundary: flips spread over 64 KB find as much and run 25 times faster.
        int length = (int)recordEnds.LastOrDefault(end => end <= FlippedBytesCap, original.Length);
        byte[] bytes = original[..length];
        recordEnds = recordEnds.Where(end => end <= length).ToList();
        List<int> headerOffsets = HeaderByteOffsets(recordEnds);
        var random = new Random(StableSeed(capture));

        for (int variant = 0; variant < FlipsPerCapture / FlipsPerVariant; variant++)
        {
            byte[] corrupted = (byte[])bytes.Clone();
            int firstFlip = int.MaxValue;
            for (int i = 0; i < FlipsPerVariant; i++)
            {
                // Half the flips hit framing (file and record headers), half hit frame contents.
                int offset = i % 2 == 0 ? headerOffsets[random.Next(headerOffsets.Count)] : random.Next(PcapFileBuilder.FileHeaderLength, length);
                corrupted[offset] ^= (byte)(1 << random.Next(8));
                firstFlip = Math.Min(firstFlip, offset);
            }

            AnalysisOutcome outcome = CaptureAnalysis.Run(corrupted);

            int soundRecords = recordEnds.Count(end => end <= firstFlip);
            if (firstFlip >= PcapFileBuilder.FileHeaderLength)
            {
                Assert.True(outcome.Frames >= soundRecords, $"variant {variant}: {outcome.Frames} frames read, {soundRecords} records precede the first flip at {firstFlip}");
            }
            if (firstFlip >= PcapFileBuilder.FileHeaderLength && outcome.Error is { Offset: { } errorOffset })
            {
                Assert.InRange(errorOffset, PcapFileBuilder.FileHeaderLength, length);
            }
        }
    }

    private static int StableSeed(string text) => text.Aggregate(17, (hash, c) => unchecked(hash * 31 + c));

    /// <summary>End offset of each record, from a clean read of the file.</summary>
    private static List<long> RecordEnds(byte[] capture)
    {
        using TemporaryFile file = TemporaryFile.WithContent(capture, ".pcap");
        using CaptureFileReader reader = CaptureFileReader.Open(file.Path);
        var ends = new List<long>();
        while (reader.TryReadNext(out _)) ends.Add(reader.Position);
        Assert.Empty(reader.Warnings);
        return ends;
    }

    private static IEnumerable<int> PrefixLengths(int length, List<long> recordEnds)
    {
        var lengths = new SortedSet<int>(Enumerable.Range(0, Math.Min(length, EveryPrefixUpToBytes) + 1));
        for (int at = 0; at <= length; at += PrefixStride) lengths.Add(at);
        foreach (long end in recordEnds.Where(end => end <= BoundarySweepUpToBytes))
        {
            // Both sides of every boundary, and every cut inside the next record header.
            for (int delta = -1; delta <= PcapFileBuilder.RecordHeaderLength + 1; delta++)
            {
                long candidate = end + delta;
                if (candidate >= 0 && candidate <= length) lengths.Add((int)candidate);
            }
        }
        lengths.Add(length);
        return lengths;
    }

    private static List<int> HeaderByteOffsets(List<long> recordEnds)
    {
        var offsets = Enumerable.Range(0, PcapFileBuilder.FileHeaderLength).ToList();
        foreach (long recordStart in recordEnds.SkipLast(1).Prepend(PcapFileBuilder.FileHeaderLength))
        {
            offsets.AddRange(Enumerable.Range((int)recordStart, PcapFileBuilder.RecordHeaderLength));
        }
        return offsets;
    }
}
