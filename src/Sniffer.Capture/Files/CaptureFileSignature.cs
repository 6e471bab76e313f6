using System.Buffers.Binary;
using Sniffer.Core.Text;

namespace Sniffer.Capture.Files;

/// <summary>Recognises capture formats by their first bytes, and says in words what a non-capture looks like.</summary>
internal static class CaptureFileSignature
{
    public const int MagicLength = 4;

    // RFC 1952, section 2.3.1: ID1 ID2.
    private static ReadOnlySpan<byte> GzipMagic => [0x1F, 0x8B];

    // Alexey Kuznetzov's "modified" pcap shares the family but has longer record headers.
    private const uint ModifiedPcapMagic = 0xA1B2CD34;

    public static bool IsGzip(ReadOnlySpan<byte> start) => start.StartsWith(GzipMagic);

    /// <summary>The format whose magic <paramref name="start"/> (at least <see cref="MagicLength"/> bytes) begins with, if any.</summary>
    public static CaptureFileFormat? Recognise(ReadOnlySpan<byte> start)
    {
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(start);
        uint swapped = BinaryPrimitives.ReverseEndianness(magic);
        if (magic is PcapRecordDecoder.MicrosecondMagic or PcapRecordDecoder.NanosecondMagic
            || swapped is PcapRecordDecoder.MicrosecondMagic or PcapRecordDecoder.NanosecondMagic)
        {
            return CaptureFileFormat.Pcap;
        }
        // The Section Header Block type is a byte palindrome, the same in both byte orders.
        return magic == PcapNgBlockDecoder.SectionHeaderBlockType ? CaptureFileFormat.PcapNg : null;
    }

    /// <summary>A short description of data that is not a capture, for the error message.</summary>
    public static string DescribeNonCapture(ReadOnlySpan<byte> start)
    {
        if (start.IsEmpty) return "empty file";
        if (start.Length < MagicLength) return $"only {start.Length} bytes long, too short for any capture format";

        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(start);
        if (magic == ModifiedPcapMagic || BinaryPrimitives.ReverseEndianness(magic) == ModifiedPcapMagic)
        {
            return "a \"modified\" (Kuznetzov) pcap, which this reader does not support; convert it with editcap";
        }
        ReadOnlySpan<byte> head = start[..Math.Min(start.Length, 16)];
        if (head.StartsWith("\u007fELF"u8)) return "starts with 7f 45 4c 46 (an ELF executable)";
        if (head.StartsWith("PK\u0003\u0004"u8)) return "starts with 50 4b 03 04 (a zip archive)";
        if (IsGzip(head)) return "starts with 1f 8b (gzip inside gzip)";
        if (LooksLikeText(head)) return $"starts with '{SafeText.FromBytes(head)}' (text)";
        return $"starts with {Hex(head[..Math.Min(head.Length, 8)])} (unrecognised binary)";
    }

    // Printable ASCII and UTF-8 allow tab, LF, VT, FF and CR among the C0 controls; binary formats rarely avoid the rest for 16 bytes.
    private static bool LooksLikeText(ReadOnlySpan<byte> head) =>
        !head.ContainsAnyInRange((byte)0x00, (byte)0x08) && !head.ContainsAnyInRange((byte)0x0E, (byte)0x1F) && !head.Contains((byte)0x7F);

    private static string Hex(ReadOnlySpan<byte> bytes) => string.Join(' ', bytes.ToArray().Select(b => b.ToString("x2")));
}
