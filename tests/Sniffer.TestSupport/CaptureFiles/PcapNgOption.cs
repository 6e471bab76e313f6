using System.Buffers.Binary;
using System.Text;

namespace Sniffer.TestSupport.CaptureFiles;

/// <summary>One pcapng option (draft-ietf-opsawg-pcapng, "Options"): code, value; the builder adds length and padding.</summary>
public readonly record struct PcapNgOption(ushort Code, byte[] Value)
{
    public static PcapNgOption Utf8(ushort code, string value) => new(code, Encoding.UTF8.GetBytes(value));

    public static PcapNgOption Byte(ushort code, byte value) => new(code, [value]);

    /// <summary>A 64-bit value in the byte order of the section it will be written into.</summary>
    public static PcapNgOption Int64(ushort code, long value, bool bigEndian)
    {
        var bytes = new byte[8];
        if (bigEndian) BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        else BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return new PcapNgOption(code, bytes);
    }
}
