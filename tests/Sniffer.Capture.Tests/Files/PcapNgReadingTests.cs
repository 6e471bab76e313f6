using Sniffer.Capture.Files;
using Sniffer.Core.Packets;
using Sniffer.TestSupport.CaptureFiles;
using static Sniffer.Capture.Tests.Files.CaptureReadBack;

namespace Sniffer.Capture.Tests.Files;

public sealed class PcapNgReadingTests
{
    private static readonly byte[] EthernetFrame = Bytes(61, 0x10); // odd length: exercises padding
    private static readonly byte[] RawIpFrame = Bytes(40, 0x45);
    private static readonly byte[] SllFrame = Bytes(70, 0x00);

    /// <summary>
    /// Two sections in opposite byte orders. The first has an Ethernet interface in microseconds and a raw-IP one in
    /// nanoseconds, and interleaves EPB, obsolete PB and SPB with blocks that carry no frames. The second starts
    /// interface numbering afresh with 2^-20 s plus if_tsoffset, milliseconds and picoseconds.
    /// </summary>
    internal static PcapNgFileBuilder TwoSections(bool firstSectionBigEndian)
    {
        bool secondSectionBigEndian = !firstSectionBigEndian;
        return new PcapNgFileBuilder()
            .AddSection(firstSectionBigEndian, options: PcapNgOption.Utf8(PcapNgFileBuilder.CommentOptionCode, "built by a test"))
            .AddInterface(LinkType.Ethernet, snapLength: 65_535, otherOptions: PcapNgOption.Utf8(PcapNgFileBuilder.InterfaceNameOptionCode, "eth0"))
            .AddInterface(LinkType.Raw, timestampResolution: 9)
            .AddEnhancedPacket(0, timestamp: 1_700_000_000_123_456, EthernetFrame,
                options: PcapNgOption.Utf8(PcapNgFileBuilder.CommentOptionCode, "a packet comment"))
            .AddBlock(PcapNgFileBuilder.NameResolutionBlockType, [1, 0, 8, 0, 10, 0, 0, 1, 104, 111, 115, 116, 0, 0, 0, 0, 0, 0, 0, 0])
            .AddEnhancedPacket(1, timestamp: 1_700_000_001_987_654_321, RawIpFrame, originalLength: 1500)
            .AddBlock(PcapNgFileBuilder.InterfaceStatisticsBlockType, new byte[12])
            .AddObsoletePacket(1, timestamp: 1_700_000_002_000_000_001, RawIpFrame)
            .AddBlock(PcapNgFileBuilder.DecryptionSecretsBlockType, new byte[9])
            .AddSimplePacket(EthernetFrame)
            .AddBlock(PcapNgFileBuilder.CustomBlockType, [0, 0, 0x7E, 0x2B, 0xFF])
            .AddBlock(0x7FFF_0001, [])
            .AddSection(secondSectionBigEndian)
            .AddInterface(LinkType.LinuxSll, timestampResolution: 0x80 | 20, timestampOffsetSeconds: 1_600_000_000)
            .AddInterface(LinkType.Ipv4, timestampResolution: 3)
            .AddInterface(LinkType.Ethernet, timestampResolution: 12)
            .AddEnhancedPacket(0, timestamp: (5UL << 20) + (1UL << 19), SllFrame)
            .AddEnhancedPacket(1, timestamp: 1_700_000_000_123, RawIpFrame)
            .AddObsoletePacket(2, timestamp: 12_345_678_901_234_567, EthernetFrame)
            .AddSimplePacket(SllFrame);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_every_packet_block_of_both_sections_with_per_interface_link_types_and_resolutions(bool firstSectionBigEndian)
    {
        ReadOutcome outcome = ReadAll(TwoSections(firstSectionBigEndian).ToArray());

        Assert.Equal(CaptureFileFormat.PcapNg, outcome.Format);
        Assert.Equal(
            [
                new FrameCopy(Hex(EthernetFrame), 61, 1_700_000_000_123_456_000, LinkType.Ethernet, 1),
                new FrameCopy(Hex(RawIpFrame), 1500, 1_700_000_001_987_654_321, LinkType.Raw, 2),
                new FrameCopy(Hex(RawIpFrame), 40, 1_700_000_002_000_000_001, LinkType.Raw, 3),
                // SPB: the section's first interface, and no timestamp (draft-ietf-opsawg-pcapng, "Simple Packet Block").
                new FrameCopy(Hex(EthernetFrame), 61, 0, LinkType.Ethernet, 4),
                // 5.5 s in units of 2^-20 s, after the 1.6e9 s offset.
                new FrameCopy(Hex(SllFrame), 70, 1_600_000_005_500_000_000, LinkType.LinuxSll, 5),
                new FrameCopy(Hex(RawIpFrame), 40, 1_700_000_000_123_000_000, LinkType.Ipv4, 6),
                // Picoseconds truncate to whole nanoseconds.
                new FrameCopy(Hex(EthernetFrame), 61, 12_345_678_901_234, LinkType.Ethernet, 7),
                new FrameCopy(Hex(SllFrame), 70, 0, LinkType.LinuxSll, 8), // no timestamp, so no offset either
            ],
            outcome.Frames);
        Assert.Empty(outcome.Warnings);
        Assert.Null(outcome.Error);
    }

    [Fact]
    public void Interfaces_are_listed_per_section_with_their_resolutions()
    {
        ReadOutcome outcome = ReadAll(TwoSections(firstSectionBigEndian: false).ToArray());

        Assert.Equal(
            [
                (0, 0, 0, LinkType.Ethernet, 65_535L, new TimestampUnit(10, 6), 0L),
                (1, 0, 1, LinkType.Raw, 0L, new TimestampUnit(10, 9), 0L),
                (2, 1, 0, LinkType.LinuxSll, 0L, new TimestampUnit(2, 20), 1_600_000_000L),
                (3, 1, 1, LinkType.Ipv4, 0L, new TimestampUnit(10, 3), 0L),
                (4, 1, 2, LinkType.Ethernet, 0L, new TimestampUnit(10, 12), 0L),
            ],
            outcome.Interfaces.Select(i => (i.Index, i.Section, i.IdInSection, i.LinkType, i.SnapLength, i.TimestampUnit, i.TimestampOffsetSeconds)));
    }

    [Fact]
    public void Simple_packet_is_cut_to_the_first_interface_snaplen()
    {
        byte[] file = new PcapNgFileBuilder()
            .AddSection()
            .AddInterface(LinkType.Ethernet, snapLength: 64)
            .AddSimplePacket(Bytes(100, 1))
            .ToArray();

        FrameCopy frame = Assert.Single(ReadAll(file).Frames);

        Assert.Equal(Hex(Bytes(64, 1)), frame.DataHex);
        Assert.Equal(100, frame.OriginalLength);
    }

    [Fact]
    public void Fcs_length_option_in_bits_is_reported_in_bytes()
    {
        byte[] file = new PcapNgFileBuilder()
            .AddSection()
            .AddInterface(LinkType.Ethernet, otherOptions: PcapNgOption.Byte(PcapNgFileBuilder.FcsLengthOptionCode, 32))
            .ToArray();

        Assert.Equal(4, Assert.Single(ReadAll(file).Interfaces).FcsLength);
    }

    [Theory]
    [InlineData(0x80 | 127, 0L)] // 2^-127 s: any 64-bit count is below a nanosecond
    [InlineData(127, 0L)] // 10^-127 s likewise
    [InlineData(0, 1_000_000_000_000_000_000L)] // whole seconds
    public void Extreme_resolutions_convert_without_overflow(byte resolution, long expectedNs)
    {
        byte[] file = new PcapNgFileBuilder()
            .AddSection()
            .AddInterface(LinkType.Ethernet, timestampResolution: resolution)
            .AddEnhancedPacket(0, timestamp: 1_000_000_000, EthernetFrame)
            .ToArray();

        Assert.Equal(expectedNs, Assert.Single(ReadAll(file).Frames).TimestampNs);
    }

    [Fact]
    public void Timestamp_beyond_the_range_of_a_long_is_clamped_not_wrapped()
    {
        byte[] file = new PcapNgFileBuilder()
            .AddSection()
            .AddInterface(LinkType.Ethernet, timestampResolution: 0, timestampOffsetSeconds: long.MaxValue)
            .AddEnhancedPacket(0, timestamp: ulong.MaxValue, EthernetFrame)
            .ToArray();

        Assert.Equal(long.MaxValue, Assert.Single(ReadAll(file).Frames).TimestampNs);
    }

    [Fact]
    public void Option_running_past_its_block_is_a_warning_and_the_interface_stays_usable()
    {
        byte[] body = [1, 0, 0, 0, 0, 0, 0, 0, /* if_tsresol claiming 200 bytes */ 9, 0, 200, 0, 9, 0, 0, 0];
        byte[] file = new PcapNgFileBuilder()
            .AddSection()
            .AddBlock(PcapNgFileBuilder.InterfaceDescriptionBlockType, body)
            .AddEnhancedPacket(0, timestamp: 1, EthernetFrame)
            .ToArray();

        ReadOutcome outcome = ReadAll(file);

        Assert.Equal(1_000, Assert.Single(outcome.Frames).TimestampNs);
        Assert.Equal(28, Assert.Single(outcome.Warnings).Offset);
    }
}
