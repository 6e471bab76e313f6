using Sniffer.Capture.Files;
using Sniffer.Core.Packets;
using Sniffer.TestSupport.CaptureFiles;
using static Sniffer.Capture.Tests.Files.CaptureReadBack;

namespace Sniffer.Capture.Tests.Files;

public sealed class PcapReadingTests
{
    private static readonly byte[] FirstFrame = Bytes(60, 0x10);
    private static readonly byte[] SecondFrame = Bytes(1514, 0x80);

    [Theory]
    [InlineData(false, false, 1_700_000_000_123_456_000L, 1_700_000_001_000_001_000L)]
    [InlineData(true, false, 1_700_000_000_123_456_000L, 1_700_000_001_000_001_000L)]
    [InlineData(false, true, 1_700_000_000_000_123_456L, 1_700_000_001_000_000_001L)]
    [InlineData(true, true, 1_700_000_000_000_123_456L, 1_700_000_001_000_000_001L)]
    public void Reads_both_byte_orders_and_both_precisions_with_exact_timestamps(
        bool bigEndian, bool nanoseconds, long firstTimestampNs, long secondTimestampNs)
    {
        byte[] file = new PcapFileBuilder { BigEndian = bigEndian, Nanoseconds = nanoseconds, SnapLength = 65_535 }
            .AddPacket(FirstFrame, seconds: 1_700_000_000, fraction: 123_456)
            .AddPacket(SecondFrame, seconds: 1_700_000_001, fraction: 1)
            .ToArray();

        ReadOutcome outcome = ReadAll(file);

        Assert.Equal(CaptureFileFormat.Pcap, outcome.Format);
        Assert.Equal(
            [
                new FrameCopy(Hex(FirstFrame), 60, firstTimestampNs, LinkType.Ethernet, 1),
                new FrameCopy(Hex(SecondFrame), 1514, secondTimestampNs, LinkType.Ethernet, 2),
            ],
            outcome.Frames);
        CaptureInterface captureInterface = Assert.Single(outcome.Interfaces);
        Assert.Equal(65_535, captureInterface.SnapLength);
        Assert.Equal(nanoseconds ? TimestampUnit.Nanoseconds : TimestampUnit.Microseconds, captureInterface.TimestampUnit);
        Assert.Empty(outcome.Warnings);
        Assert.Null(outcome.Error);
    }

    [Fact]
    public void Seconds_are_unsigned_so_dates_after_2038_survive()
    {
        byte[] file = new PcapFileBuilder().AddPacket(FirstFrame, seconds: uint.MaxValue, fraction: 999_999).ToArray();

        Assert.Equal(4_294_967_295_999_999_000L, Assert.Single(ReadAll(file).Frames).TimestampNs);
    }

    [Fact]
    public void Frame_cut_by_the_snaplen_keeps_its_original_length()
    {
        byte[] file = new PcapFileBuilder { SnapLength = 96 }.AddPacket(SecondFrame[..96], 1, 0, originalLength: 1514).ToArray();

        FrameCopy frame = Assert.Single(ReadAll(file).Frames);

        Assert.Equal(1514, frame.OriginalLength);
        Assert.Equal(96 * 2, frame.DataHex.Length);
    }

    [Theory]
    [InlineData(0x0000_0000u, null)]
    [InlineData(0x2400_0000u, 4)] // P bit, FCS length 2 × 16 bits
    [InlineData(0x2000_0000u, null)] // FCS length without the P bit means nothing
    [InlineData(0x03FF_0000u, null)] // reserved bits must be ignored
    public void Link_type_field_upper_bits_are_masked_and_give_the_fcs_length(uint upperBits, int? fcsLength)
    {
        byte[] file = new PcapFileBuilder { LinkType = LinkType.LinuxSll, LinkTypeFieldUpperBits = upperBits }
            .AddPacket(FirstFrame, 1, 0)
            .ToArray();

        ReadOutcome outcome = ReadAll(file);

        Assert.Equal(LinkType.LinuxSll, Assert.Single(outcome.Frames).LinkType);
        Assert.Equal(LinkType.LinuxSll, outcome.Interfaces[0].LinkType);
        Assert.Equal(fcsLength, outcome.Interfaces[0].FcsLength);
    }

    [Fact]
    public void Link_type_unknown_to_sniffer_is_carried_through()
    {
        byte[] file = new PcapFileBuilder { LinkType = (LinkType)147 }.AddPacket(FirstFrame, 1, 0).ToArray();

        Assert.Equal((LinkType)147, Assert.Single(ReadAll(file).Frames).LinkType);
    }

    [Fact]
    public void File_with_a_header_and_no_records_reads_as_empty()
    {
        ReadOutcome outcome = ReadAll(new PcapFileBuilder().ToArray());

        Assert.Empty(outcome.Frames);
        Assert.Empty(outcome.Warnings);
    }

    [Fact]
    public void Original_length_below_captured_length_is_reconciled_and_reported_once()
    {
        byte[] file = new PcapFileBuilder()
            .AddRecord(1, 0, capturedLength: 60, originalLength: 50, FirstFrame)
            .AddRecord(2, 0, capturedLength: 60, originalLength: 40, FirstFrame)
            .ToArray();

        ReadOutcome outcome = ReadAll(file);

        Assert.All(outcome.Frames, frame => Assert.Equal(60, frame.OriginalLength));
        ReaderWarning warning = Assert.Single(outcome.Warnings);
        Assert.Equal(PcapFileBuilder.FileHeaderLength, warning.Offset);
    }

    [Fact]
    public void Record_larger_than_the_read_buffer_is_read_whole()
    {
        byte[] jumbo = Bytes(3 * 1024 * 1024 + 7, 3);
        byte[] file = new PcapFileBuilder().AddPacket(FirstFrame, 1, 0).AddPacket(jumbo, 2, 0).AddPacket(FirstFrame, 3, 0).ToArray();

        ReadOutcome outcome = ReadAll(file);

        Assert.Equal(3, outcome.Frames.Count);
        Assert.Equal(Hex(jumbo), outcome.Frames[1].DataHex);
        Assert.Equal(Hex(FirstFrame), outcome.Frames[2].DataHex);
    }

    [Fact]
    public void Reader_reports_path_size_and_progress()
    {
        byte[] content = new PcapFileBuilder().AddPacket(FirstFrame, 1, 0).ToArray();
        using TemporaryFile file = TemporaryFile.WithContent(content, ".anything");
        using CaptureFileReader reader = CaptureFileReader.Open(file.Path);

        Assert.Equal(file.Path, reader.Path);
        Assert.Equal(content.Length, reader.FileSize);
        Assert.False(reader.IsCompressed);
        Assert.Equal(PcapFileBuilder.FileHeaderLength, reader.Position);
        Assert.True(reader.TryReadNext(out _));
        Assert.Equal(content.Length, reader.Position);
        Assert.Equal(content.Length, reader.BytesRead);
        Assert.Equal(262_144, reader.SnapLength);
    }
}
