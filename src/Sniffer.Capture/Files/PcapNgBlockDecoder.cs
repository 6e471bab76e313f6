using Sniffer.Core.Packets;
using Sniffer.Core.Records;

namespace Sniffer.Capture.Files;

/// <summary>
/// pcapng (draft-ietf-opsawg-pcapng): a sequence of sections, each a Section Header Block followed by
/// Interface Description Blocks and packet blocks whose interface IDs index that section's interfaces.
/// Every block is Type, Block Total Length, body, Block Total Length again, padded to 32 bits.
/// </summary>
internal sealed class PcapNgBlockDecoder : CaptureFormatDecoder
{
    public const uint SectionHeaderBlockType = 0x0A0D0D0A;
    private const uint InterfaceDescriptionBlockType = 0x00000001;
    private const uint ObsoletePacketBlockType = 0x00000002;
    private const uint SimplePacketBlockType = 0x00000003;
    private const uint EnhancedPacketBlockType = 0x00000006;

    private const uint ByteOrderMagic = 0x1A2B3C4D;
    private const uint SwappedByteOrderMagic = 0x4D3C2B1A;

    // Type + Block Total Length in front, Block Total Length behind.
    private const int BlockFramingLength = 12;

    // Smallest bodies (excluding framing) of the blocks this reader interprets, from their fixed fields.
    private const int SectionHeaderFixedLength = 16;
    private const int InterfaceDescriptionFixedLength = 8;
    private const int EnhancedPacketFixedLength = 20;
    private const int SimplePacketFixedLength = 4;
    private const int ObsoletePacketFixedLength = 20;

    private const ushort EndOfOptionsCode = 0;
    private const ushort FcsLengthOptionCode = 13;
    private const ushort TimestampResolutionOptionCode = 9;
    private const ushort TimestampOffsetOptionCode = 14;

    // if_tsresol: the most significant bit selects a power of 2 instead of 10; the rest is the negative exponent.
    private const byte TimestampResolutionBinaryFlag = 0x80;

    private readonly List<SectionInterface> _sectionInterfaces = [];
    private bool _bigEndian;
    private int _section = -1;

    private PcapNgBlockDecoder(CaptureInput input, string path, List<ReaderWarning> warnings, List<CaptureInterface> interfaces)
        : base(input, path, warnings, interfaces)
    {
    }

    public override CaptureFileFormat Format => CaptureFileFormat.PcapNg;

    /// <summary>Reads the first Section Header Block; the caller has recognised its block type at offset 0.</summary>
    public static PcapNgBlockDecoder Open(CaptureInput input, string path, List<ReaderWarning> warnings, List<CaptureInterface> interfaces)
    {
        var decoder = new PcapNgBlockDecoder(input, path, warnings, interfaces);
        if (!decoder.TryReadBlockHeader(out _, out int blockLength) || !input.TryEnsure(blockLength))
        {
            throw new CaptureFileException(path, 0, $"pcapng section header block is cut short: {input.Available} bytes");
        }
        decoder.StartSection(decoder.CheckedBlock(blockLength, 0), 0);
        input.Advance(blockLength);
        return decoder;
    }

    public override bool TryReadNext(long frameNumber, out CaptureFrame frame)
    {
        frame = default;
        while (true)
        {
            long offset = Input.Position;
            if (!TryReadBlockHeader(out uint blockType, out int blockLength)) return false;
            if (!Input.TryEnsure(blockLength))
            {
                return EndAtTruncatedRecord(offset,
                    $"last block is cut short: its header announces {blockLength} bytes, only {Input.Available} follow");
            }
            ReadOnlySpan<byte> block = CheckedBlock(blockLength, offset);
            ReadOnlySpan<byte> body = block[8..^4];

            bool isFrame = false;
            switch (blockType)
            {
                case SectionHeaderBlockType:
                    StartSection(block, offset);
                    break;
                case InterfaceDescriptionBlockType:
                    AddInterface(body, offset);
                    break;
                case EnhancedPacketBlockType:
                    frame = DecodeEnhancedPacket(body, offset, frameNumber);
                    isFrame = true;
                    break;
                case SimplePacketBlockType:
                    frame = DecodeSimplePacket(body, offset, frameNumber);
                    isFrame = true;
                    break;
                case ObsoletePacketBlockType:
                    frame = DecodeObsoletePacket(body, offset, frameNumber);
                    isFrame = true;
                    break;
                default:
                    // Name Resolution, Interface Statistics, Decryption Secrets, custom and future block types carry
                    // no frames; the spec has readers skip blocks they do not need by their length.
                    break;
            }
            Input.Advance(blockLength);
            if (isFrame) return true;
        }
    }

    /// <summary>
    /// Reads and checks a block's type and length without consuming them. False at the end of the data, after a
    /// warning when a partial header remains.
    /// </summary>
    private bool TryReadBlockHeader(out uint blockType, out int blockLength)
    {
        blockType = 0;
        blockLength = 0;
        long offset = Input.Position;
        if (!Input.TryEnsure(8))
        {
            return Input.Available != 0
                && EndAtTruncatedRecord(offset, $"last block header is cut short: {Input.Available} of 8 bytes");
        }

        // The Section Header Block's type reads the same in both byte orders, and its byte-order magic — not the
        // previous section's order — says how to read its length (draft-ietf-opsawg-pcapng, "Section Header Block").
        blockType = ByteOrder.ReadUInt32(Input.Window, _bigEndian);
        if (blockType == SectionHeaderBlockType)
        {
            if (!Input.TryEnsure(BlockFramingLength))
            {
                return EndAtTruncatedRecord(offset, $"last section header block is cut short: {Input.Available} bytes");
            }
            uint magic = ByteOrder.ReadUInt32(Input.Window[8..], bigEndian: false);
            if (magic is not (ByteOrderMagic or SwappedByteOrderMagic))
            {
                throw CorruptRecord(offset, $"section header block has byte-order magic 0x{magic:x8}, expected 0x{ByteOrderMagic:x8} in either byte order");
            }
            _bigEndian = magic == SwappedByteOrderMagic;
        }

        uint length = ByteOrder.ReadUInt32(Input.Window[4..], _bigEndian);
        if (length % 4 != 0 || length < BlockFramingLength)
        {
            throw CorruptRecord(offset, $"block total length {length} is not a multiple of 4 of at least {BlockFramingLength}");
        }
        if (length > MaxRecordLength)
        {
            throw CorruptRecord(offset, $"block total length {length} is more than the {MaxRecordLength} any block may have");
        }
        blockLength = (int)length;
        int minimumBody = blockType switch
        {
            SectionHeaderBlockType => SectionHeaderFixedLength,
            InterfaceDescriptionBlockType => InterfaceDescriptionFixedLength,
            EnhancedPacketBlockType => EnhancedPacketFixedLength,
            SimplePacketBlockType => SimplePacketFixedLength,
            ObsoletePacketBlockType => ObsoletePacketFixedLength,
            _ => 0,
        };
        if (blockLength - BlockFramingLength < minimumBody)
        {
            throw CorruptRecord(offset, $"block of type 0x{blockType:x8} is {blockLength} bytes long, too short for its fixed fields");
        }
        return true;
    }

    /// <summary>The whole buffered block, once the length repeated at its end agrees with the one in front.</summary>
    private ReadOnlySpan<byte> CheckedBlock(int blockLength, long offset)
    {
        ReadOnlySpan<byte> block = Input.Window[..blockLength];
        uint trailingLength = ByteOrder.ReadUInt32(block[^4..], _bigEndian);
        if (trailingLength != (uint)blockLength)
        {
            throw CorruptRecord(offset, $"block length {blockLength} does not match the {trailingLength} repeated at its end");
        }
        return block;
    }

    private void StartSection(ReadOnlySpan<byte> block, long offset)
    {
        // Byte order was taken from this block's magic in TryReadBlockHeader.
        ushort majorVersion = ByteOrder.ReadUInt16(block[12..], _bigEndian);
        ushort minorVersion = ByteOrder.ReadUInt16(block[14..], _bigEndian);
        if (majorVersion != 1)
        {
            // A different major version means a format this reader cannot know how to walk.
            throw CorruptRecord(offset, $"unsupported pcapng version {majorVersion}.{minorVersion} (this reader knows 1.x)");
        }
        _section++;
        _sectionInterfaces.Clear();
    }

    private void AddInterface(ReadOnlySpan<byte> body, long offset)
    {
        var linkType = (LinkType)ByteOrder.ReadUInt16(body, _bigEndian);
        uint snapLength = ByteOrder.ReadUInt32(body[4..], _bigEndian);
        var unit = TimestampUnit.Microseconds; // the default when if_tsresol is absent
        long offsetSeconds = 0;
        int? fcsLength = null;

        ReadOnlySpan<byte> options = body[InterfaceDescriptionFixedLength..];
        while (options.Length >= 4)
        {
            ushort code = ByteOrder.ReadUInt16(options, _bigEndian);
            int valueLength = ByteOrder.ReadUInt16(options[2..], _bigEndian);
            if (code == EndOfOptionsCode) break;
            int paddedLength = (valueLength + 3) & ~3;
            if (4 + paddedLength > options.Length)
            {
                Warnings.Add(new ReaderWarning(offset, AnomalyKinds.CorruptRecord,
                    $"interface description option {code} runs past the end of its block; later options ignored"));
                break;
            }
            ReadOnlySpan<byte> value = options.Slice(4, valueLength);
            switch (code)
            {
                case TimestampResolutionOptionCode when valueLength >= 1:
                    unit = (value[0] & TimestampResolutionBinaryFlag) != 0
                        ? new TimestampUnit(2, value[0] & ~TimestampResolutionBinaryFlag)
                        : new TimestampUnit(10, value[0]);
                    break;
                case TimestampOffsetOptionCode when valueLength >= 8:
                    offsetSeconds = ByteOrder.ReadInt64(value, _bigEndian);
                    break;
                case FcsLengthOptionCode when valueLength >= 1:
                    // if_fcslen counts bits (draft-ietf-opsawg-pcapng, "if_fcslen"; Wireshark reads it so too).
                    fcsLength = value[0] / 8;
                    break;
            }
            options = options[(4 + paddedLength)..];
        }

        var description = new CaptureInterface
        {
            Index = Interfaces.Count,
            Section = _section,
            IdInSection = _sectionInterfaces.Count,
            LinkType = linkType,
            SnapLength = snapLength,
            TimestampUnit = unit,
            TimestampOffsetSeconds = offsetSeconds,
            FcsLength = fcsLength,
        };
        Interfaces.Add(description);
        _sectionInterfaces.Add(new SectionInterface(linkType, snapLength, TimestampConverter.For(unit, offsetSeconds)));
    }

    // EPB: Interface ID, Timestamp (upper, lower), Captured Packet Length, Original Packet Length, Packet Data, options.
    private CaptureFrame DecodeEnhancedPacket(ReadOnlySpan<byte> body, long offset, long frameNumber)
    {
        uint interfaceId = ByteOrder.ReadUInt32(body, _bigEndian);
        return DecodePacket(body, interfaceId, EnhancedPacketFixedLength, offset, frameNumber);
    }

    // Obsolete Packet Block (type 2): as EPB but with a 16-bit Interface ID followed by a 16-bit Drops Count.
    private CaptureFrame DecodeObsoletePacket(ReadOnlySpan<byte> body, long offset, long frameNumber)
    {
        uint interfaceId = ByteOrder.ReadUInt16(body, _bigEndian);
        return DecodePacket(body, interfaceId, ObsoletePacketFixedLength, offset, frameNumber);
    }

    private CaptureFrame DecodePacket(ReadOnlySpan<byte> body, uint interfaceId, int dataStart, long offset, long frameNumber)
    {
        SectionInterface captureInterface = InterfaceOf(interfaceId, offset);
        ulong timestamp = (ulong)ByteOrder.ReadUInt32(body[4..], _bigEndian) << 32 | ByteOrder.ReadUInt32(body[8..], _bigEndian);
        uint capturedLength = ByteOrder.ReadUInt32(body[12..], _bigEndian);
        uint originalLength = ByteOrder.ReadUInt32(body[16..], _bigEndian);
        if (capturedLength > body.Length - dataStart)
        {
            throw CorruptRecord(offset, $"packet block claims {capturedLength} captured bytes but its body holds only {body.Length - dataStart}");
        }
        return new CaptureFrame(
            body.Slice(dataStart, (int)capturedLength),
            ReconcileOriginalLength(offset, originalLength, (int)capturedLength),
            captureInterface.Timestamps.ToUnixNanoseconds(timestamp),
            captureInterface.LinkType,
            frameNumber);
    }

    // SPB: Original Packet Length, Packet Data. It belongs to the section's first interface and has no timestamp.
    private CaptureFrame DecodeSimplePacket(ReadOnlySpan<byte> body, long offset, long frameNumber)
    {
        SectionInterface captureInterface = InterfaceOf(0, offset);
        uint originalLength = ByteOrder.ReadUInt32(body, _bigEndian);
        // The captured length is the smaller of the original length and the interface's snaplen (0: none); the
        // block length bounds it too, so a block shorter than those claim yields the bytes it really holds.
        long capturedLength = originalLength;
        if (captureInterface.SnapLength != 0) capturedLength = Math.Min(capturedLength, captureInterface.SnapLength);
        capturedLength = Math.Min(capturedLength, body.Length - SimplePacketFixedLength);
        return new CaptureFrame(
            body.Slice(SimplePacketFixedLength, (int)capturedLength),
            (int)Math.Min(originalLength, int.MaxValue),
            timestampNs: 0,
            captureInterface.LinkType,
            frameNumber);
    }

    private SectionInterface InterfaceOf(uint interfaceId, long offset)
    {
        if (interfaceId >= (uint)_sectionInterfaces.Count)
        {
            throw CorruptRecord(offset,
                $"packet block refers to interface {interfaceId}, but its section has described {_sectionInterfaces.Count} interfaces");
        }
        return _sectionInterfaces[(int)interfaceId];
    }

    private readonly record struct SectionInterface(LinkType LinkType, uint SnapLength, TimestampConverter Timestamps);
}
