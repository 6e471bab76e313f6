using Sniffer.Capture.Files;
using Sniffer.Core.Packets;
using Sniffer.Core.Records;
using Sniffer.TestSupport.CaptureFiles;
using static Sniffer.Capture.Tests.Files.CaptureReadBack;

namespace Sniffer.Capture.Tests.Files;

/// <summary>Cut-short and corrupt files: what is sound before the damage is kept, and the damage is located.</summary>
public sealed class DamagedCaptureTests
{
    private static readonly byte[] Frame = Bytes(60, 0x20);

    [Fact]
    public void Pcap_cut_inside_its_last_record_keeps_earlier_frames_and_warns_at_that_record()
    {
        var builder = new PcapFileBuilder().AddPacket(Frame, 1, 0).AddPacket(Frame, 2, 0);
        long lastRecordOffset = builder.NextRecordOffset;
        byte[] whole = builder.AddPacket(Frame, 3, 0).ToArray();

        ReadOutcome outcome = ReadAll(whole[..^10]);

        Assert.Equal([1L, 2L], outcome.Frames.Select(f => f.FrameNumber));
        ReaderWarning warning = Assert.Single(outcome.Warnings);
        Assert.Equal(lastRecordOffset, warning.Offset);
        Assert.Equal(AnomalyKinds.TruncatedRecord, warning.Kind);
        Assert.Contains("60 captured bytes, only 50 follow", warning.Message);
        Assert.Null(outcome.Error);
    }

    [Fact]
    public void Pcap_cut_inside_a_record_header_warns_at_that_header()
    {
        var builder = new PcapFileBuilder().AddPacket(Frame, 1, 0);
        long cutHeaderOffset = builder.NextRecordOffset;
        byte[] file = builder.AddBytes(new byte[7]).ToArray();

        ReadOutcome outcome = ReadAll(file);

        Assert.Single(outcome.Frames);
        Assert.Equal(cutHeaderOffset, Assert.Single(outcome.Warnings).Offset);
    }

    [Fact]
    public void Pcapng_cut_inside_its_last_block_keeps_earlier_frames_and_warns_at_that_block()
    {
        PcapNgFileBuilder builder = new PcapNgFileBuilder().AddSection().AddInterface(LinkType.Ethernet).AddEnhancedPacket(0, 1, Frame);
        long lastBlockOffset = builder.NextBlockOffset;
        byte[] whole = builder.AddEnhancedPacket(0, 2, Frame).ToArray();

        ReadOutcome outcome = ReadAll(whole[..^1]);

        Assert.Single(outcome.Frames);
        ReaderWarning warning = Assert.Single(outcome.Warnings);
        Assert.Equal(lastBlockOffset, warning.Offset);
        Assert.Equal(AnomalyKinds.TruncatedRecord, warning.Kind);
        Assert.Null(outcome.Error);
    }

    [Theory]
    [InlineData(16 * 1024 * 1024 + 1u, "more than the 16777216 any record may hold")]
    [InlineData(uint.MaxValue, "claims 4294967295 captured bytes")]
    public void Pcap_record_claiming_an_impossible_length_stops_with_its_offset(uint capturedLength, string expectedDetail)
    {
        var builder = new PcapFileBuilder().AddPacket(Frame, 1, 0);
        long corruptOffset = builder.NextRecordOffset;
        byte[] file = builder.AddRecord(2, 0, capturedLength, capturedLength, Frame).ToArray();

        ReadOutcome outcome = ReadAll(file);

        Assert.Single(outcome.Frames);
        Assert.NotNull(outcome.Error);
        Assert.Equal(corruptOffset, outcome.Error.Offset);
        Assert.Contains(expectedDetail, outcome.Error.Message);
        Assert.Contains($"at byte offset {corruptOffset}", outcome.Error.Message);
    }

    public static TheoryData<string, Func<PcapNgFileBuilder, PcapNgFileBuilder>, string> CorruptBlocks => new()
    {
        { "length not a multiple of 4", b => b.AddBlock(PcapNgFileBuilder.NameResolutionBlockType, new byte[8], totalLengthField: 21), "not a multiple of 4" },
        { "length below the framing", b => b.AddBlock(PcapNgFileBuilder.NameResolutionBlockType, [], totalLengthField: 8), "not a multiple of 4 of at least 12" },
        { "length beyond the cap", b => b.AddBlock(PcapNgFileBuilder.NameResolutionBlockType, [], totalLengthField: 0x7FFF_FFFC), "more than the 16777216" },
        { "trailer mismatch", b => b.AddBlock(PcapNgFileBuilder.NameResolutionBlockType, new byte[8], trailingLengthField: 24), "does not match the 24 repeated at its end" },
        { "EPB too short for its fields", b => b.AddBlock(PcapNgFileBuilder.EnhancedPacketBlockType, new byte[8]), "too short for its fixed fields" },
        { "EPB captured length beyond its body", b => b.AddEnhancedPacket(0, 2, Frame, capturedLengthField: 1000), "claims 1000 captured bytes but its body holds only 60" },
        { "EPB of an undescribed interface", b => b.AddEnhancedPacket(7, 2, Frame), "refers to interface 7, but its section has described 1 interfaces" },
        { "SHB with a bad byte-order magic", b => b.AddBlock(PcapNgFileBuilder.SectionHeaderBlockType, [1, 2, 3, 4, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), "byte-order magic 0x04030201" },
        { "SHB of an unknown major version", b => b.AddSection(majorVersion: 2), "unsupported pcapng version 2.0" },
    };

    [Theory]
    [MemberData(nameof(CorruptBlocks))]
    public void Pcapng_corrupt_block_stops_with_its_offset_after_keeping_earlier_frames(
        string damage, Func<PcapNgFileBuilder, PcapNgFileBuilder> addCorruptBlock, string expectedDetail)
    {
        PcapNgFileBuilder builder = new PcapNgFileBuilder().AddSection().AddInterface(LinkType.Ethernet).AddEnhancedPacket(0, 1, Frame);
        long corruptOffset = builder.NextBlockOffset;
        byte[] file = addCorruptBlock(builder).AddEnhancedPacket(0, 3, Frame).ToArray();

        ReadOutcome outcome = ReadAll(file);

        Assert.True(outcome.Frames.Count == 1, damage);
        Assert.NotNull(outcome.Error);
        Assert.Equal(corruptOffset, outcome.Error.Offset);
        Assert.Contains(expectedDetail, outcome.Error.Detail);
    }

    [Fact]
    public void First_section_header_with_a_mismatched_trailer_is_refused_at_open()
    {
        byte[] file = new PcapNgFileBuilder().AddBlock(PcapNgFileBuilder.SectionHeaderBlockType,
            [0x4D, 0x3C, 0x2B, 0x1A, 1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], trailingLengthField: 32).ToArray();
        using TemporaryFile temporary = TemporaryFile.WithContent(file);

        var error = Assert.Throws<CaptureFileException>(() => CaptureFileReader.Open(temporary.Path));

        Assert.Equal(0, error.Offset);
        Assert.Contains("does not match the 32 repeated at its end", error.Message);
    }

    [Fact]
    public void Simple_packet_before_any_interface_is_corrupt()
    {
        PcapNgFileBuilder builder = new PcapNgFileBuilder().AddSection();
        long offset = builder.NextBlockOffset;

        ReadOutcome outcome = ReadAll(builder.AddSimplePacket(Frame).ToArray());

        Assert.Equal(offset, outcome.Error?.Offset);
    }

    [Fact]
    public void Interfaces_of_an_earlier_section_are_not_visible_in_the_next()
    {
        PcapNgFileBuilder builder = new PcapNgFileBuilder().AddSection().AddInterface(LinkType.Ethernet).AddSection();
        long offset = builder.NextBlockOffset;

        ReadOutcome outcome = ReadAll(builder.AddEnhancedPacket(0, 1, Frame).ToArray());

        Assert.Equal(offset, outcome.Error?.Offset);
    }

    [Fact]
    public void Pcap_with_an_unknown_major_version_is_refused_at_open()
    {
        using TemporaryFile file = TemporaryFile.WithContent(new PcapFileBuilder { MajorVersion = 3 }.ToArray());

        var error = Assert.Throws<CaptureFileException>(() => CaptureFileReader.Open(file.Path));

        Assert.Contains("unsupported pcap version 3.4", error.Message);
    }

    [Fact]
    public void Compressed_data_corrupted_inside_the_gzip_stream_is_a_capture_file_error()
    {
        var builder = new PcapFileBuilder();
        for (int i = 0; i < 2000; i++) builder.AddPacket(Bytes(200, (byte)i), (uint)i, 0);
        byte[] compressed = Gzip.Compress(builder.ToArray());
        for (int i = compressed.Length / 2; i < compressed.Length / 2 + 64; i++) compressed[i] ^= 0x5A;

        using TemporaryFile file = TemporaryFile.WithContent(compressed, ".pcap.gz");
        ReadOutcome outcome = ReadAll(file.Path);

        // Whatever the damage decodes to first, a corrupt-looking record or the inflater's bad code or CRC check,
        // the reading ends in a located CaptureFileException rather than a foreign exception.
        Assert.NotNull(outcome.Error);
        Assert.NotNull(outcome.Error.Offset);
    }
}
