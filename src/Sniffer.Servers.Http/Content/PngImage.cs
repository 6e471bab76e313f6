using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Sniffer.Servers.Http.Content;

/// <summary>
/// Writes a real PNG (ISO/IEC 15948, RFC 2083): signature, IHDR, one zlib-compressed IDAT, IEND, each chunk with
/// its CRC-32. Noise pixels barely compress, so the file size follows the pixel count.
/// </summary>
internal static class PngImage
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static byte[] Noise(int width, int height, SplitMix64 random)
    {
        const int bytesPerPixel = 3; // colour type 2: 8-bit RGB
        int stride = 1 + width * bytesPerPixel; // each scanline starts with its filter type, 0 = None
        byte[] scanlines = new byte[stride * height];
        for (int row = 0; row < height; row++) random.Fill(scanlines.AsSpan(row * stride + 1, stride - 1));

        byte[] header = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type RGB; compression, filter and interlace methods stay 0

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(scanlines);

        using var png = new MemoryStream();
        png.Write(Signature);
        WriteChunk(png, "IHDR", header);
        WriteChunk(png, "IDAT", compressed.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        output.Write(word);
        byte[] typeBytes = Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        // The CRC covers the chunk type and data, not the length.
        uint crc = Crc32.Update(Crc32.Update(Crc32.Initial, typeBytes), data) ^ Crc32.Initial;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }

    /// <summary>The CRC-32 of ISO 3309 that PNG uses (reflected polynomial 0xEDB88320), table-driven.</summary>
    private static class Crc32
    {
        public const uint Initial = 0xFFFFFFFF;
        private static readonly uint[] Table = BuildTable();

        public static uint Update(uint crc, ReadOnlySpan<byte> data)
        {
            foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            return crc;
        }

        private static uint[] BuildTable()
        {
            var table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                uint c = n;
                for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
                table[n] = c;
            }
            return table;
        }
    }
}
