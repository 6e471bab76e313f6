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

    /// <summary>
    /// Matches <c>^[A-Za-z]+ target HTTP/\d\.\d\r?\n</c> or a prefix of it, or an HTTP/0.9 simple request. The version is the last word of the line,
    /// as the request-line parser reads it, so a target with raw spaces ("CONNECT host:25 / HTTP/1.0", seen from
    /// broken clients) is still recognised; the target is visible characters and spaces otherwise.
    /// </summary>
    public static ProbeResult RequestLine(ReadOnlySpan<byte> bytes)
    {
        int i = 0;
        while (i < bytes.Length && i <= MaxMethodLetters && char.IsAsciiLetter((char)bytes[i])) i++;
        if (i == bytes.Length) return i <= MaxMethodLetters ? ProbeResult.NeedMoreData : ProbeResult.NoMatch;
        if (i == 0 || i > MaxMethodLetters || bytes[i] != SP) return ProbeResult.NoMatch;

        ReadOnlySpan<byte> rest = bytes[(i + 1)..];
        int lineFeed = rest.IndexOf((byte)'\n');
        ReadOnlySpan<byte> line = lineFeed < 0 ? rest : rest[..lineFeed];
        if (!line.IsEmpty && line[^1] == (byte)'\r') line = line[..^1];
        if (line.IndexOfAnyExceptInRange(SP, (byte)'~') >= 0) return ProbeResult.NoMatch;
        if (lineFeed < 0) return ProbeResult.NeedMoreData;
        if (IsSimpleRequest(bytes[..i], line)) return ProbeResult.Match;

        int versionStart = line.LastIndexOf(SP) + 1;
        if (versionStart <= 1 || line[..(versionStart - 1)].Trim(SP).IsEmpty) return ProbeResult.NoMatch;
        ReadOnlySpan<byte> version = line[versionStart..];
        return version.Length == 8 && MatchTemplate(version, "HTTP/#.#"u8) == ProbeResult.Match ? ProbeResult.Match : ProbeResult.NoMatch;
    }

    /// <summary>
    /// An HTTP/0.9 Simple-Request, <c>GET /path CRLF</c> with no version (RFC 1945 §4.1): only GET existed, and the
    /// origin-form target keeps the match from firing on other line protocols that happen to start with a word.
    /// </summary>
    private static bool IsSimpleRequest(ReadOnlySpan<byte> method, ReadOnlySpan<byte> target) =>
        method.SequenceEqual("GET"u8) && target.Length > 0 && target[0] == (byte)'/' && target.IndexOf(SP) < 0;

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
