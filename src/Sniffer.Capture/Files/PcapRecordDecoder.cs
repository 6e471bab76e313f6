using System.Buffers.Binary;
using Sniffer.Core.Packets;

namespace Sniffer.Capture.Files;

/// <summary>Classic pcap: a 24-byte file header, then records of a 16-byte header and the captured bytes (draft-ietf-opsawg-pcap).</summary>
internal sealed class PcapRecordDecoder : CaptureFormatDecoder
{
    public const uint MicrosecondMagic = 0xA1B2C3D4;
    public const uint NanosecondMagic = 0xA1B23C4D;

    private const int FileHeaderLength = 24;
    private const int RecordHeaderLength = 16;

    // The LinkType field carries more than the link type (draft-ietf-opsawg-pcap, "LinkType and additional
    // information"): the link type is the low 16 bits; when the P bit is set, the top 4 bits give the FCS
    // length in 16-bit words. The remaining bits are reserved and must be ignored by readers.
    private const uint LinkTypeMask = 0x0000FFFF;
    private const uint FcsLengthPresentBit = 0x04000000;
    private const int FcsLengthShift = 28;

    private readonly bool _bigEndian;
    private readonly long _fractionToNanoseconds;
    private readonly LinkType _linkType;

    private PcapRecordDecoder(CaptureInput input, string path, List<ReaderWarning> warnings, List<CaptureInterface> interfaces,
        bool bigEndian, bool nanoseconds, LinkType linkType)
        : base(input, path, warnings, interfaces)
    {
        _bigEndian = bigEndian;
        _fractionToNanoseconds = nanoseconds ? 1 : 1000;
        _linkType = linkType;
    }

    public override CaptureFileFormat Format => CaptureFileFormat.Pcap;

    /// <summary>Reads the file header; the caller has recognised one of the magics in either byte order.</summary>
    public static PcapRecordDecoder Open(CaptureInput input, string path, List<ReaderWarning> warnings, List<CaptureInterface> interfaces)
    {
        if (!input.TryEnsure(FileHeaderLength))
        {
            throw new CaptureFileException(path, 0, $"pcap file header is cut short: {input.Available} of {FileHeaderLength} bytes");
        }
        ReadOnlySpan<byte> header = input.Window[..FileHeaderLength];

        // The magic is written in the writer's byte order; reading it little-endian tells which one that was.
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(header);
        bool bigEndian = magic is not (MicrosecondMagic or NanosecondMagic);
        uint hostOrderMagic = bigEndian ? BinaryPrimitives.ReverseEndianness(magic) : magic;

        ushort majorVersion = ByteOrder.ReadUInt16(header[4..], bigEndian);
        ushort minorVersion = ByteOrder.ReadUInt16(header[6..], bigEndian);
        if (majorVersion != 2)
        {
            throw new CaptureFileException(path, 0, $"unsupported pcap version {majorVersion}.{minorVersion} (only 2.x exists)");
        }
        uint snapLength = ByteOrder.ReadUInt32(header[16..], bigEndian);
        uint linkTypeField = ByteOrder.ReadUInt32(header[20..], bigEndian);

        var linkType = (LinkType)(linkTypeField & LinkTypeMask);
        bool nanoseconds = hostOrderMagic == NanosecondMagic;
        interfaces.Add(new CaptureInterface
        {
            Index = 0,
            Section = 0,
            IdInSection = 0,
            LinkType = linkType,
            SnapLength = snapLength,
            TimestampUnit = nanoseconds ? TimestampUnit.Nanoseconds : TimestampUnit.Microseconds,
            FcsLength = (linkTypeField & FcsLengthPresentBit) != 0 ? (int)(linkTypeField >> FcsLengthShift) * 2 : null,
        });
        input.Advance(FileHeaderLength);
        return new PcapRecordDecoder(input, path, warnings, interfaces, bigEndian, nanoseconds, linkType);
    }

    public override bool TryReadNext(long frameNumber, out CaptureFrame frame)
    {
        frame = default;
        long offset = Input.Position;
        if (!Input.TryEnsure(RecordHeaderLength))
        {
            // No bytes left is the normal end; some bytes that cannot hold a header are a cut-short last record.
            return Input.Available != 0
                && EndAtTruncatedRecord(offset, $"last record header is cut short: {Input.Available} of {RecordHeaderLength} bytes");
        }

        ReadOnlySpan<byte> header = Input.Window[..RecordHeaderLength];
        uint seconds = ByteOrder.ReadUInt32(header, _bigEndian);
        uint fraction = ByteOrder.ReadUInt32(header[4..], _bigEndian);
        uint capturedLength = ByteOrder.ReadUInt32(header[8..], _bigEndian);
        uint originalLength = ByteOrder.ReadUInt32(header[12..], _bigEndian);

        // A record may exceed the file's snaplen (some writers do that) but never the sanity cap: past it,
        // the header is garbage and so is every "record" after it.
        if (capturedLength > MaxRecordLength)
        {
            throw CorruptRecord(offset, $"record header claims {capturedLength} captured bytes, more than the {MaxRecordLength} any record may hold");
        }
        int recordLength = RecordHeaderLength + (int)capturedLength;
        if (!Input.TryEnsure(recordLength))
        {
            return EndAtTruncatedRecord(offset,
                $"last record is cut short: its header announces {capturedLength} captured bytes, only {Input.Available - RecordHeaderLength} follow");
        }

        // Seconds are unsigned (draft-ietf-opsawg-pcap, "Packet Record"), so dates run to 2106 and fit a long in nanoseconds.
        long timestampNs = seconds * 1_000_000_000L + fraction * _fractionToNanoseconds;
        frame = new CaptureFrame(
            Input.Window.Slice(RecordHeaderLength, (int)capturedLength),
            ReconcileOriginalLength(offset, originalLength, (int)capturedLength),
            timestampNs,
            _linkType,
            frameNumber);
        Input.Advance(recordLength);
        return true;
    }
}
