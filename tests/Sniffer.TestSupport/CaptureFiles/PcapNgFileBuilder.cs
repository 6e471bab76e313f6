using Sniffer.Core.Packets;

namespace Sniffer.TestSupport.CaptureFiles;

/// <summary>
/// Builds a pcapng file block by block (draft-ietf-opsawg-pcapng). Each <see cref="AddSection"/> starts a
/// section in its own byte order; the blocks after it are written in that order. Lengths, padding and
/// trailers are computed unless a test overrides them to build a damaged file.
/// </summary>
/// <example><code>
/// byte[] pcapng = new PcapNgFileBuilder()
///     .AddSection()
///     .AddInterface(LinkType.Ethernet, timestampResolution: 9)
///     .AddEnhancedPacket(interfaceId: 0, timestamp: 1_700_000_000_123_456_789, frameBytes)
///     .ToArray();
/// </code></example>
public sealed class PcapNgFileBuilder
{
    public const uint SectionHeaderBlockType = 0x0A0D0D0A;
    public const uint InterfaceDescriptionBlockType = 1;
    public const uint ObsoletePacketBlockType = 2;
    public const uint SimplePacketBlockType = 3;
    public const uint NameResolutionBlockType = 4;
    public const uint InterfaceStatisticsBlockType = 5;
    public const uint EnhancedPacketBlockType = 6;
    public const uint DecryptionSecretsBlockType = 10;
    public const uint CustomBlockType = 0x00000BAD;

    public const ushort CommentOptionCode = 1;
    public const ushort InterfaceNameOptionCode = 2;
    public const ushort TimestampResolutionOptionCode = 9;
    public const ushort FcsLengthOptionCode = 13;
    public const ushort TimestampOffsetOptionCode = 14;

    private readonly EndianByteWriter _file = new(bigEndian: false);

    /// <summary>The byte order of the current section.</summary>
    public bool BigEndian => _file.BigEndian;

    /// <summary>Offset the next block will start at, for asserting the offsets readers report.</summary>
    public long NextBlockOffset => _file.Length;

    /// <summary>Starts a section: a Section Header Block in <paramref name="bigEndian"/> order (section length unspecified).</summary>
    public PcapNgFileBuilder AddSection(bool bigEndian = false, ushort majorVersion = 1, ushort minorVersion = 0, params PcapNgOption[] options)
    {
        _file.BigEndian = bigEndian;
        EndianByteWriter body = NewBody();
        body.WriteUInt32(0x1A2B3C4D);
        body.WriteUInt16(majorVersion);
        body.WriteUInt16(minorVersion);
        body.WriteUInt64(ulong.MaxValue); // -1: section length not specified
        WriteOptions(body, options);
        return AddBlock(SectionHeaderBlockType, body.ToArray());
    }

    /// <summary>
    /// Adds an Interface Description Block. <paramref name="timestampResolution"/> is the raw if_tsresol byte
    /// (6 = microseconds, 9 = nanoseconds, 0x80 | n = 2^-n s); null leaves it out (microseconds).
    /// </summary>
    public PcapNgFileBuilder AddInterface(LinkType linkType, uint snapLength = 0, byte? timestampResolution = null,
        long? timestampOffsetSeconds = null, params PcapNgOption[] otherOptions)
    {
        var options = new List<PcapNgOption>();
        if (timestampResolution is { } resolution) options.Add(PcapNgOption.Byte(TimestampResolutionOptionCode, resolution));
        if (timestampOffsetSeconds is { } offset) options.Add(PcapNgOption.Int64(TimestampOffsetOptionCode, offset, BigEndian));
        options.AddRange(otherOptions);

        EndianByteWriter body = NewBody();
        body.WriteUInt16((ushort)linkType);
        body.WriteUInt16(0); // reserved
        body.WriteUInt32(snapLength);
        WriteOptions(body, options);
        return AddBlock(InterfaceDescriptionBlockType, body.ToArray());
    }

    /// <summary>
    /// Adds an Enhanced Packet Block. <paramref name="timestamp"/> counts the interface's if_tsresol units;
    /// <paramref name="capturedLengthField"/> overrides the captured length written, to build a lying block.
    /// </summary>
    public PcapNgFileBuilder AddEnhancedPacket(uint interfaceId, ulong timestamp, ReadOnlySpan<byte> data,
        uint? originalLength = null, uint? capturedLengthField = null, params PcapNgOption[] options)
    {
        EndianByteWriter body = NewBody();
        body.WriteUInt32(interfaceId);
        WritePacketFields(body, timestamp, data, originalLength, capturedLengthField);
        WriteOptions(body, options);
        return AddBlock(EnhancedPacketBlockType, body.ToArray());
    }

    /// <summary>Adds a Simple Packet Block: no interface ID (the section's first applies), no timestamp.</summary>
    public PcapNgFileBuilder AddSimplePacket(ReadOnlySpan<byte> data, uint? originalLength = null)
    {
        EndianByteWriter body = NewBody();
        body.WriteUInt32(originalLength ?? (uint)data.Length);
        body.WriteBytes(data);
        body.PadTo32Bits();
        return AddBlock(SimplePacketBlockType, body.ToArray());
    }

    /// <summary>Adds an obsolete Packet Block (type 2): a 16-bit interface ID and a drops count.</summary>
    public PcapNgFileBuilder AddObsoletePacket(ushort interfaceId, ulong timestamp, ReadOnlySpan<byte> data,
        uint? originalLength = null, ushort dropsCount = 0)
    {
        EndianByteWriter body = NewBody();
        body.WriteUInt16(interfaceId);
        body.WriteUInt16(dropsCount);
        WritePacketFields(body, timestamp, data, originalLength, capturedLengthField: null);
        return AddBlock(ObsoletePacketBlockType, body.ToArray());
    }

    /// <summary>
    /// Adds any block: <paramref name="body"/> is padded to 32 bits and framed by its lengths, which
    /// <paramref name="totalLengthField"/> and <paramref name="trailingLengthField"/> can override.
    /// </summary>
    public PcapNgFileBuilder AddBlock(uint blockType, ReadOnlySpan<byte> body, uint? totalLengthField = null, uint? trailingLengthField = null)
    {
        int paddedBodyLength = (body.Length + 3) & ~3;
        uint totalLength = (uint)(12 + paddedBodyLength);
        _file.WriteUInt32(blockType);
        _file.WriteUInt32(totalLengthField ?? totalLength);
        _file.WriteBytes(body);
        _file.PadTo32Bits();
        _file.WriteUInt32(trailingLengthField ?? totalLength);
        return this;
    }

    /// <summary>Appends raw bytes, such as a block cut short.</summary>
    public PcapNgFileBuilder AddBytes(ReadOnlySpan<byte> bytes)
    {
        _file.WriteBytes(bytes);
        return this;
    }

    public byte[] ToArray() => _file.ToArray();

    private EndianByteWriter NewBody() => new(BigEndian);

    private static void WritePacketFields(EndianByteWriter body, ulong timestamp, ReadOnlySpan<byte> data, uint? originalLength, uint? capturedLengthField)
    {
        body.WriteUInt32((uint)(timestamp >> 32));
        body.WriteUInt32((uint)timestamp);
        body.WriteUInt32(capturedLengthField ?? (uint)data.Length);
        body.WriteUInt32(originalLength ?? (uint)data.Length);
        body.WriteBytes(data);
        body.PadTo32Bits();
    }

    private static void WriteOptions(EndianByteWriter body, IReadOnlyCollection<PcapNgOption> options)
    {
        if (options.Count == 0) return;
        foreach (PcapNgOption option in options)
        {
            body.WriteUInt16(option.Code);
            body.WriteUInt16((ushort)option.Value.Length);
            body.WriteBytes(option.Value);
            body.PadTo32Bits();
        }
        body.WriteUInt32(0); // opt_endofopt
    }
}
