using System.IO.Compression;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Sniffer.Servers.Http;

internal enum ContentCoding
{
    Identity,
    Gzip,
    Brotli,
}

/// <summary>Choosing and applying a content coding (RFC 9110 §8.4 and §12.5.3).</summary>
internal static class ContentCodings
{
    /// <summary>Text types, the ones worth compressing: HTML, CSS, JavaScript, JSON and plain text.</summary>
    public static bool IsCompressible(string contentType) =>
        contentType.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
        || contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase);

    public static string Token(ContentCoding coding) => coding switch
    {
        ContentCoding.Gzip => "gzip",
        ContentCoding.Brotli => "br",
        _ => "identity",
    };

    /// <summary>
    /// The coding to send for an Accept-Encoding field: the acceptable coding with the highest weight, br before gzip
    /// when weights tie (it is smaller), identity when neither is acceptable. No field at all means identity here,
    /// although RFC 9110 §12.5.3 would allow any coding: clients that send none (curl without --compressed) do not
    /// expect to decode anything.
    /// </summary>
    public static ContentCoding Choose(StringValues acceptEncoding)
    {
        if (StringValues.IsNullOrEmpty(acceptEncoding)
            || !StringWithQualityHeaderValue.TryParseList(acceptEncoding, out IList<StringWithQualityHeaderValue>? offers))
        {
            return ContentCoding.Identity;
        }
        double brotli = Weight(offers, "br");
        double gzip = Weight(offers, "gzip");
        if (brotli <= 0 && gzip <= 0) return ContentCoding.Identity;
        return brotli >= gzip ? ContentCoding.Brotli : ContentCoding.Gzip;
    }

    public static byte[] Encode(byte[] content, ContentCoding coding)
    {
        using var output = new MemoryStream();
        using (Stream encoder = coding switch
        {
            ContentCoding.Gzip => new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true),
            ContentCoding.Brotli => new BrotliStream(output, CompressionLevel.Optimal, leaveOpen: true),
            _ => throw new ArgumentOutOfRangeException(nameof(coding), coding, "identity is not an encoding"),
        })
        {
            encoder.Write(content);
        }
        return output.ToArray();
    }

    /// <summary>A coding's weight: its own entry, else the "*" entry, else 0 (not acceptable); q=0 means "not acceptable".</summary>
    private static double Weight(IList<StringWithQualityHeaderValue> offers, string coding)
    {
        double? wildcard = null;
        foreach (StringWithQualityHeaderValue offer in offers)
        {
            if (StringSegment.Equals(offer.Value, coding, StringComparison.OrdinalIgnoreCase)) return offer.Quality ?? 1;
            if (offer.Value == "*") wildcard = offer.Quality ?? 1;
        }
        return wildcard ?? 0;
    }
}
