using Sniffer.Core.Dissection;

namespace Sniffer.Dissectors.Http.Parsing;

/// <summary>
/// Cheap recognisers for the first line of a message, used by the factory's probe and to find the next
/// message after a gap. They accept any letters as a method (lower case too) and tell "too short" apart
/// from "not HTTP", like Zeek's DPD signatures but without a regex engine.
/// </summary>
internal static class HttpStartLineSniffer
{
    // Longer than any registered method (the longest, in the IANA registry, has 17 letters).
    private const int MaxMethodLetters = 24;
    private const byte SP = (byte)' ';

    /// <summary>Matches <c>^[A-Za-z]+ \S+ HTTP/\d\.\d\r?\n</c> or a prefix of it.</summary>
    public static ProbeResult RequestLine(ReadOnlySpan<byte> bytes)
    {
        int i = 0;
        while (i < bytes.Length && i <= MaxMethodLetters && char.IsAsciiLetter((char)bytes[i])) i++;
        if (i == bytes.Length) return i <= MaxMethodLetters ? ProbeResult.NeedMoreData : ProbeResult.NoMatch;
        if (i == 0 || i > MaxMethodLetters || bytes[i] != SP) return ProbeResult.NoMatch;

        int targetStart = ++i;
        while (i < bytes.Length && bytes[i] > SP && bytes[i] != 0x7f) i++;
        if (i == bytes.Length) return ProbeResult.NeedMoreData;
        if (i == targetStart || bytes[i] != SP) return ProbeResult.NoMatch;

        ReadOnlySpan<byte> rest = bytes[(i + 1)..];
        ProbeResult version = MatchTemplate(rest, "HTTP/#.#"u8);
        if (version != ProbeResult.Match) return version;
        rest = rest[8..];
        if (!rest.IsEmpty && rest[0] == (byte)'\r') rest = rest[1..];
        if (rest.IsEmpty) return ProbeResult.NeedMoreData;
        return rest[0] == (byte)'\n' ? ProbeResult.Match : ProbeResult.NoMatch;
    }

    /// <summary>Matches <c>^HTTP/1\.[01] \d\d\d</c> or a prefix of it.</summary>
    public static ProbeResult StatusLine(ReadOnlySpan<byte> bytes)
    {
        ProbeResult result = MatchTemplate(bytes, "HTTP/1.# ###"u8);
        if (bytes.Length > 7 && bytes[7] is not ((byte)'0' or (byte)'1')) return ProbeResult.NoMatch;
        return result;
    }

    /// <summary>Literal bytes, with '#' standing for any digit.</summary>
    private static ProbeResult MatchTemplate(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> template)
    {
        int length = Math.Min(bytes.Length, template.Length);
        for (int i = 0; i < length; i++)
        {
            bool matches = template[i] == (byte)'#' ? char.IsAsciiDigit((char)bytes[i]) : bytes[i] == template[i];
            if (!matches) return ProbeResult.NoMatch;
        }
        return bytes.Length >= template.Length ? ProbeResult.Match : ProbeResult.NeedMoreData;
    }
}
