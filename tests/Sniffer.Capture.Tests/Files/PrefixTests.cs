using Sniffer.Capture.Files;
using Sniffer.Core.Packets;
using Sniffer.TestSupport.CaptureFiles;
using static Sniffer.Capture.Tests.Files.CaptureReadBack;

namespace Sniffer.Capture.Tests.Files;

/// <summary>
/// Every prefix of a sound file — what a capture still being written or a partial download looks like — opens
/// and reads without any exception but the documented one, and yields a prefix of the whole file's frames.
/// </summary>
public sealed class PrefixTests
{
    public static TheoryData<string> SmallFiles => ["pcap", "pcap big-endian nanoseconds", "pcapng two sections"];

    [Theory]
    [MemberData(nameof(SmallFiles))]
    public void Every_prefix_reads_as_a_prefix_of_the_frames(string name)
    {
        byte[] whole = Build(name);
        IReadOnlyList<FrameCopy> allFrames = ReadAll(whole).Frames;

        for (int length = 0; length < whole.Length; length++)
        {
            ReadOutcome outcome;
            try
            {
                outcome = ReadAll(whole[..length]);
            }
            catch (CaptureFileException)
            {
                // Only the file header (pcap) or first section header (pcapng) may be refused at open.
                Assert.True(length < HeaderLength(name), $"prefix of {length} bytes refused at open");
                continue;
            }
            Assert.Null(outcome.Error);
            Assert.Equal(allFrames.Take(outcome.Frames.Count), outcome.Frames);
            Assert.True(outcome.Warnings.Count <= 1, $"prefix of {length} bytes: {string.Join("; ", outcome.Warnings)}");
        }
    }

    [Theory]
    [MemberData(nameof(SmallFiles))]
    public void Every_prefix_of_the_gzipped_file_fails_only_with_capture_file_errors(string name)
    {
        byte[] whole = Gzip.Compress(Build(name));
        IReadOnlyList<FrameCopy> allFrames = ReadAll(Build(name)).Frames;

        for (int length = 0; length < whole.Length; length++)
        {
            try
            {
                ReadOutcome outcome = ReadAll(whole[..length]);
                Assert.Equal(allFrames.Take(outcome.Frames.Count), outcome.Frames);
            }
            catch (CaptureFileException)
            {
                // A cut-short gzip stream may be refused at open or reported when the inflater notices.
            }
        }
    }

    private static byte[] Build(string name) => name switch
    {
        "pcap" => new PcapFileBuilder()
            .AddPacket(Bytes(14, 1), 1, 1)
            .AddPacket(Bytes(3, 2), 2, 2, originalLength: 60)
            .AddPacket([], 3, 3)
            .ToArray(),
        "pcap big-endian nanoseconds" => new PcapFileBuilder { BigEndian = true, Nanoseconds = true, LinkType = LinkType.Raw }
            .AddPacket(Bytes(20, 1), 1, 999_999_999)
            .AddPacket(Bytes(21, 2), 2, 0)
            .ToArray(),
        "pcapng two sections" => PcapNgReadingTests.TwoSections(firstSectionBigEndian: false).ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static int HeaderLength(string name) => name.StartsWith("pcapng", StringComparison.Ordinal)
        ? new PcapNgFileBuilder().AddSection(options: PcapNgOption.Utf8(PcapNgFileBuilder.CommentOptionCode, "built by a test")).ToArray().Length
        : PcapFileBuilder.FileHeaderLength;
}
