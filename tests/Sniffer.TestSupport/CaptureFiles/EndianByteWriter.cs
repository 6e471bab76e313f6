using System.Buffers.Binary;

namespace Sniffer.TestSupport.CaptureFiles;

/// <summary>Appends integers in a chosen byte order; the capture builders' common output.</summary>
internal sealed class EndianByteWriter
{
    private readonly MemoryStream _bytes = new();

    public EndianByteWriter(bool bigEndian) => BigEndian = bigEndian;

    public bool BigEndian { get; set; }

    public long Length => _bytes.Length;

    public void WriteUInt16(ushort value)
    {
        Span<byte> bytes = stackalloc byte[2];
        if (BigEndian) BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        else BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        _bytes.Write(bytes);
    }

    public void WriteUInt32(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        if (BigEndian) BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        else BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        _bytes.Write(bytes);
    }

    public void WriteUInt64(ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        if (BigEndian) BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        else BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        _bytes.Write(bytes);
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes) => _bytes.Write(bytes);

    /// <summary>Zero bytes up to the next multiple of 4, as pcapng pads every variable-length field.</summary>
    public void PadTo32Bits()
    {
        while (_bytes.Length % 4 != 0) _bytes.WriteByte(0);
    }

    public byte[] ToArray() => _bytes.ToArray();
}
