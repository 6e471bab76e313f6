using Sniffer.Capture.Files;
using Sniffer.Core.Packets;
using Sniffer.TestSupport.CaptureFiles;
using static Sniffer.Capture.Tests.Files.CaptureReadBack;

namespace Sniffer.Capture.Tests.Files;

/// <summary>gzip-compressed captures read like the plain ones, recognised by the gzip magic whatever the file is called.</summary>
public sealed class GzipTests
{
    public static TheoryData<string> Files => ["pcap", "pcapng"];

    [Theory]
    [MemberData(nameof(Files))]
    public void Compressed_file_reads_exactly_like_the_plain_one(string format)
    {
        byte[] plain = format == "pcap"
            ? new PcapFileBuilder { Nanoseconds = true }.AddPacket(Bytes(60, 1), 1_700_000_000, 5).AddPacket(Bytes(1514, 2), 1_700_000_001, 6).ToArray()
            : PcapNgReadingTests.TwoSections(firstSectionBigEndian: true).ToArray();

        ReadOutcome expected = ReadAll(plain, ".pcap");
        ReadOutcome compressed = ReadAll(Gzip.Compress(plain), ".capture"); // no .gz: detection is by magic

        Assert.True(compressed.IsCompressed);
        Assert.False(expected.IsCompressed);
        Assert.Equal(expected.Format, compressed.Format);
        Assert.Equal(expected.Frames, compressed.Frames);
        Assert.Equal(expected.Interfaces, compressed.Interfaces);
    }

    [Fact]
    public void Concatenated_gzip_members_read_as_one_stream()
    {
        byte[] plain = new PcapFileBuilder().AddPacket(Bytes(60, 1), 1, 0).AddPacket(Bytes(60, 2), 2, 0).ToArray();
        byte[] twoMembers = [.. Gzip.Compress(plain[..50]), .. Gzip.Compress(plain[50..])];

        Assert.Equal(ReadAll(plain).Frames, ReadAll(twoMembers).Frames);
    }

    [Fact]
    public void Progress_counts_compressed_bytes_against_the_compressed_size()
    {
        byte[] compressed = Gzip.Compress(new PcapFileBuilder().AddPacket(new byte[100_000], 1, 0).ToArray());
        using TemporaryFile file = TemporaryFile.WithContent(compressed);
        using CaptureFileReader reader = CaptureFileReader.Open(file.Path);

        while (reader.TryReadNext(out CaptureFrame _)) { }

        Assert.Equal(compressed.Length, reader.FileSize);
        Assert.Equal(compressed.Length, reader.BytesRead);
        Assert.Equal(24 + 16 + 100_000, reader.Position);
    }

    [Fact]
    public void Compressed_file_cut_short_keeps_the_frames_before_the_cut()
    {
        var builder = new PcapFileBuilder();
        for (int i = 0; i < 2000; i++) builder.AddPacket(Bytes(200, (byte)i), (uint)i, 0);
        byte[] compressed = Gzip.Compress(builder.ToArray());

        ReadOutcome outcome = ReadAll(compressed[..(compressed.Length / 2)]);

        // The inflater reports a cut-short stream as its end, so this reads like a plain file cut short: the frames
        // before the cut, and a warning at the record it fell in. (A cut falling exactly between records leaves no trace.)
        Assert.InRange(outcome.Frames.Count, 1, 1999);
        Assert.Equal(Enumerable.Range(1, outcome.Frames.Count).Select(n => (long)n), outcome.Frames.Select(f => f.FrameNumber));
        ReaderWarning warning = Assert.Single(outcome.Warnings);
        Assert.Equal(PcapFileBuilder.FileHeaderLength + outcome.Frames.Count * (PcapFileBuilder.RecordHeaderLength + 200L), warning.Offset);
        Assert.Null(outcome.Error);
    }
}
