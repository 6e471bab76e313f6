using System.Text;

namespace Sniffer.Dissectors.Http.Semantics;

/// <summary>Turns field bytes into strings without losing any: UTF-8 when valid, Latin-1 otherwise (RFC 9110 §5.5).</summary>
internal static class HttpText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes)) return StrictUtf8.GetString(bytes);
        return Encoding.Latin1.GetString(bytes);
    }
}
