using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Sniffer.Servers.Http.Tests;

/// <summary>The chunks of a PNG file, each with whether its stored CRC is right.</summary>
internal static class PngChunks
{
    public sealed record Chunk(string Type, byte[] Data, bool CrcMatches);

    public static List<Chunk> Read(byte[] png)
    {
        var chunks = new List<Chunk>();
        for (int at = 8; at < png.Length;)
        {
            int length = checked((int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at)));
            byte[] typeAndData = png.AsSpan(at + 4, 4 + length).ToArray();
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length));
            chunks.Add(new Chunk(Encoding.ASCII.GetString(typeAndData, 0, 4), typeAndData[4..], stored == Crc32(typeAndData)));
            at += 12 + length;
        }
        return chunks;
    }

    /// <summary>
    /// PNG's CRC-32 is the one gzip stores in its trailer (RFC 1952 §2.3.1), so the runtime's gzip encoder is an
    /// independent oracle for the server's table-driven implementation.
    /// </summary>
    private static uint Crc32(byte[] data)
    {
        using var gzip = new MemoryStream();
        using (var encoder = new GZipStream(gzip, CompressionLevel.Fastest, leaveOpen: true)) encoder.Write(data);
        return BinaryPrimitives.ReadUInt32LittleEndian(gzip.ToArray().AsSpan((int)gzip.Length - 8));
    }
}
