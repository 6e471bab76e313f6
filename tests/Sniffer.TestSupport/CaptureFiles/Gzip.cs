using System.IO.Compression;

namespace Sniffer.TestSupport.CaptureFiles;

public static class Gzip
{
    /// <summary>The bytes as one gzip member (RFC 1952), as <c>gzip</c> would write them.</summary>
    public static byte[] Compress(ReadOnlySpan<byte> bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(bytes);
        return output.ToArray();
    }
}
