using Sniffer.Capture.Files;
using Sniffer.Core.Packets;
using Sniffer.TestSupport.CaptureFiles;
using static Sniffer.Capture.Tests.Files.CaptureReadBack;

namespace Sniffer.Capture.Tests.Files;

public sealed class PcapFileWriterTests
{
    [Theory]
    [InlineData(PcapTimestampPrecision.Microseconds, 1_700_000_000_123_456_000L)]
    [InlineData(PcapTimestampPrecision.Nanoseconds, 1_700_000_000_123_456_789L)]
    public void Written_file_is_byte_for_byte_what_the_builder_makes_and_reads_back(PcapTimestampPrecision precision, long expectedTimestampNs)
    {
        byte[] frame = Bytes(100, 7);
        bool nanoseconds = precision == PcapTimestampPrecision.Nanoseconds;
        using var output = new MemoryStream();
        using (var writer = new PcapFileWriter(output, LinkType.LinuxSll2, snapLength: 64, precision, leaveOpen: true))
        {
            writer.Write(frame, originalLength: 1500, timestampNs: 1_700_000_000_123_456_789);
            Assert.Equal(1, writer.FramesWritten);
        }

        byte[] expected = new PcapFileBuilder { LinkType = LinkType.LinuxSll2, SnapLength = 64, Nanoseconds = nanoseconds }
            .AddRecord(1_700_000_000, nanoseconds ? 123_456_789u : 123_456u, 64, 1500, frame[..64])
            .ToArray();
        Assert.Equal(expected, output.ToArray());

        FrameCopy readBack = Assert.Single(ReadAll(output.ToArray()).Frames);
        Assert.Equal(new FrameCopy(Hex(frame[..64]), 1500, expectedTimestampNs, LinkType.LinuxSll2, 1), readBack);
    }

    [Fact]
    public void Create_writes_a_file_that_is_complete_after_dispose()
    {
        string path = Path.Combine(Path.GetTempPath(), $"sniffer-writer-{Guid.NewGuid():N}.pcap");
        try
        {
            using (PcapFileWriter writer = PcapFileWriter.Create(path, LinkType.Ethernet))
            {
                for (int i = 0; i < 3; i++) writer.Write(Bytes(60, (byte)i), 60, i * 1_000_000_000L);
            }

            Assert.Equal([0L, 1_000_000_000L, 2_000_000_000L], ReadAll(path).Frames.Select(f => f.TimestampNs));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData((uint.MaxValue + 1L) * 1_000_000_000L)]
    public void Timestamp_pcap_cannot_hold_is_refused(long timestampNs)
    {
        using var writer = new PcapFileWriter(new MemoryStream(), LinkType.Ethernet);

        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Write(new byte[10], 10, timestampNs));
    }

    [Fact]
    public void Original_length_below_the_data_is_refused()
    {
        using var writer = new PcapFileWriter(new MemoryStream(), LinkType.Ethernet);

        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Write(new byte[10], 9, 0));
    }
}
