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
}
