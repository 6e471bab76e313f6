using Sniffer.Core.Packets;

namespace Sniffer.TestSupport.CaptureFiles;

/// <summary>
/// Builds a classic pcap file byte by byte (draft-ietf-opsawg-pcap), in either byte order and timestamp
/// precision. Every field can be set, including to values a real writer would never produce, so tests can
/// build damaged files as precisely as sound ones.
/// </summary>
/// <example><code>
/// byte[] pcap = new PcapFileBuilder { BigEndian = true, Nanoseconds = true }
///     .AddPacket(frameBytes, seconds: 1_700_000_000, fraction: 123_456_789)
///     .ToArray();
/// </code></example>
public sealed class PcapFileBuilder
{
    public const int FileHeaderLength = 24;
    public const int RecordHeaderLength = 16;

    private EndianByteWriter? _records;

    public bool BigEndian { get; init; }

    /// <summary>Writes the nanosecond magic (a1b23c4d): fractions count nanoseconds instead of microseconds.</summary>
    public bool Nanoseconds { get; init; }

    public ushort MajorVersion { get; init; } = 2;
    public ushort MinorVersion { get; init; } = 4;
    public uint SnapLength { get; init; } = 262_144;
    public LinkType LinkType { get; init; } = LinkType.Ethernet;

    /// <summary>Bits OR-ed into the LinkType field above the link type: FCS length and its P bit, or reserved bits.</summary>
    public uint LinkTypeFieldUpperBits { get; init; }

    /// <summary>Offset the next record will start at, for asserting the offsets readers report.</summary>
    public long NextRecordOffset => FileHeaderLength + Records.Length;

    private EndianByteWriter Records => _records ??= new EndianByteWriter(BigEndian);

    /// <summary>Adds a record whose lengths match <paramref name="data"/> (the original length may be larger).</summary>
    public PcapFileBuilder AddPacket(ReadOnlySpan<byte> data, uint seconds, uint fraction, uint? originalLength = null) =>
        AddRecord(seconds, fraction, (uint)data.Length, originalLength ?? (uint)data.Length, data);

    /// <summary>Adds a record with header fields exactly as given, whether or not they agree with <paramref name="data"/>.</summary>
    public PcapFileBuilder AddRecord(uint seconds, uint fraction, uint capturedLength, uint originalLength, ReadOnlySpan<byte> data)
    {
        Records.WriteUInt32(seconds);
        Records.WriteUInt32(fraction);
        Records.WriteUInt32(capturedLength);
        Records.WriteUInt32(originalLength);
        Records.WriteBytes(data);
        return this;
    }

    /// <summary>Appends raw bytes after the records so far.</summary>
    public PcapFileBuilder AddBytes(ReadOnlySpan<byte> bytes)
    {
        Records.WriteBytes(bytes);
        return this;
    }

    public byte[] ToArray()
    {
        var file = new EndianByteWriter(BigEndian);
        file.WriteUInt32(Nanoseconds ? 0xA1B23C4D : 0xA1B2C3D4);
        file.WriteUInt16(MajorVersion);
        file.WriteUInt16(MinorVersion);
        file.WriteUInt32(0); // reserved (formerly thiszone)
        file.WriteUInt32(0); // reserved (formerly sigfigs)
        file.WriteUInt32(SnapLength);
        file.WriteUInt32((uint)LinkType | LinkTypeFieldUpperBits);
        file.WriteBytes(Records.ToArray());
        return file.ToArray();
    }
}
