using System.IO.Compression;
using System.Security.Cryptography;

namespace Sniffer.Dissectors.Http.Tests.Support;

/// <summary>Produces content-coded bodies with the framework's encoders, so tests never embed opaque blobs.</summary>
internal static class Codings
{
    /// <summary>Applies <paramref name="codings"/> in order, as a server listing them in Content-Encoding would.</summary>
    public static byte[] Encode(byte[] data, params string[] codings)
    {
        foreach (string coding in codings) data = EncodeOne(data, coding);
        return data;
    }

    public static string Sha256Hex(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    private static byte[] EncodeOne(byte[] data, string coding)
    {
        var output = new MemoryStream();
        using (Stream encoder = coding switch
        {
            "gzip" => new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true),
            "deflate-zlib" => new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true),
            "deflate-raw" => new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true),
            "br" => new BrotliStream(output, CompressionLevel.Optimal, leaveOpen: true),
            _ => throw new ArgumentOutOfRangeException(nameof(coding), coding, null),
        })
        {
            encoder.Write(data);
        }
        return output.ToArray();
    }
}
