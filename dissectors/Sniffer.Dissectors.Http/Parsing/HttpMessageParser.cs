using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Sniffer.Core.Text;

namespace Sniffer.Dissectors.Http.Parsing;

/// <summary>Per-message limits the parsers enforce by bounding how far they look (Kestrel's trim-then-parse).</summary>
public readonly record struct HttpParserLimits(int MaxLineBytes, int MaxHeaderBytes, int MaxHeaderCount);

/// <summary>
/// How far a parser already looked into the same unconsumed bytes (Kestrel's "examined" position). The
/// caller keeps it between calls while nothing is consumed, so bytes offered again are not scanned again
/// and feeding an element in tiny segments stays linear. A successful parse resets it.
/// </summary>
public struct HttpScanProgress
{
    /// <summary>Bytes of complete header lines already checked, from the start of the section.</summary>
    internal long CompleteLineBytes;

    /// <summary>Header fields among them.</summary>
    internal int Fields;

    /// <summary>Bytes of the incomplete line after them known to hold no line feed.</summary>
    internal long LineExamined;
}

/// <summary>
/// Stateless HTTP/1.x element parsers over <see cref="SequenceReader{T}"/>. Each <c>TryParse…</c> either
/// consumes one complete element and reports it to the handler, or returns false and consumes nothing
/// (need more data), or throws <see cref="HttpViolationException"/>. The dissector owns all state.
/// </summary>
public static class HttpMessageParser
{
    private const byte CR = (byte)'\r';
    private const byte LF = (byte)'\n';
    private const byte SP = (byte)' ';
    private const byte HT = (byte)'\t';
    private const byte Colon = (byte)':';

    private static ReadOnlySpan<byte> HttpSlash => "HTTP/"u8;

    /// <summary>
    /// Skips empty lines before a start line (RFC 9112 §2.2: robustness for a CRLF left after a body).
    /// Returns false when the bytes so far are only an incomplete CR.
    /// </summary>
    public static bool TrySkipEmptyLines<THandler>(ref SequenceReader<byte> reader, ref THandler handler)
        where THandler : struct, IHttpLeniencyHandler
    {
        bool skipped = false;
        while (reader.TryPeek(out byte first))
        {
            if (first == LF)
            {
                reader.Advance(1);
            }
            else if (first == CR)
            {
                if (!reader.TryPeek(1, out byte second)) return false;
                if (second != LF) break;
                reader.Advance(2);
            }
            else
            {
                break;
            }
            skipped = true;
        }
        if (skipped) handler.OnLeniency(HttpLeniency.EmptyLineBeforeStartLine);
        return true;
    }

    /// <summary>request-line = method SP request-target SP HTTP-version (RFC 9112 §3), or an HTTP/0.9 simple request.</summary>
    public static bool TryParseRequestLine<THandler>(ref SequenceReader<byte> reader, ref THandler handler, in HttpParserLimits limits,
        ref HttpScanProgress progress)
        where THandler : struct, IHttpRequestLineHandler
    {
        if (!TryTakeLine(ref reader, limits.MaxLineBytes, ref handler, ref progress.LineExamined, out ReadOnlySequence<byte> lineSequence)) return false;
        ReadOnlySpan<byte> line = Contiguous(lineSequence);

        int methodEnd = line.IndexOf(SP);
        if (methodEnd <= 0 || !IsToken(line[..methodEnd])) Reject(HttpViolation.InvalidRequestLine, line);
        ReadOnlySpan<byte> method = line[..methodEnd];
        if (ContainsLowerCase(method)) handler.OnLeniency(HttpLeniency.LowerCaseMethod);

        ReadOnlySpan<byte> rest = line[(methodEnd + 1)..].Trim(SP);
        if (rest.IsEmpty) Reject(HttpViolation.InvalidRequestLine, line);

        // The version is after the last space, so a target with raw spaces (seen from broken clients) still parses.
        int versionStart = rest.LastIndexOf(SP);
        if (versionStart < 0)
        {
            // HTTP/0.9 simple request: "GET /path" and nothing else (RFC 1945 §4.1).
            if (!method.SequenceEqual("GET"u8)) Reject(HttpViolation.InvalidRequestLine, line);
            handler.OnRequestLine(method, rest, HttpProtocolVersion.Http09);
            return true;
        }

        ReadOnlySpan<byte> target = rest[..versionStart].TrimEnd(SP);
        if (!TryParseVersion(rest[(versionStart + 1)..], out HttpProtocolVersion version))
        {
            Reject(HttpViolation.InvalidVersion, line);
        }
        if (target.Contains(SP)) handler.OnLeniency(HttpLeniency.SpaceInTarget);
        if (ContainsControl(target)) Reject(HttpViolation.InvalidRequestLine, line);
        handler.OnRequestLine(method, target, version);
        return true;
    }

    /// <summary>status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4).</summary>
    public static bool TryParseStatusLine<THandler>(ref SequenceReader<byte> reader, ref THandler handler, in HttpParserLimits limits,
        ref HttpScanProgress progress)
        where THandler : struct, IHttpStatusLineHandler
    {
        if (!TryTakeLine(ref reader, limits.MaxLineBytes, ref handler, ref progress.LineExamined, out ReadOnlySequence<byte> lineSequence)) return false;
        ReadOnlySpan<byte> line = Contiguous(lineSequence);

        int versionEnd = line.IndexOf(SP);
        HttpProtocolVersion version = default;
        if (versionEnd < 0 || !TryParseVersion(line[..versionEnd], out version))
        {
            Reject(HttpViolation.InvalidStatusLine, line);
        }
        ReadOnlySpan<byte> rest = line[(versionEnd + 1)..].TrimStart(SP);
        if (rest.Length < 3 || !IsDigit(rest[0]) || !IsDigit(rest[1]) || !IsDigit(rest[2])
            || (rest.Length > 3 && rest[3] != SP))
        {
            Reject(HttpViolation.InvalidStatusLine, line);
        }
        int statusCode = (rest[0] - '0') * 100 + (rest[1] - '0') * 10 + (rest[2] - '0');
        // The reason phrase is optional and meaningless to the protocol (RFC 9112 §4).
        ReadOnlySpan<byte> reason = rest.Length > 4 ? rest[4..] : default;
        handler.OnStatusLine(version, statusCode, reason);
        return true;
    }

    /// <summary>
    /// Parses a whole header section up to and including its empty line (RFC 9112 §5), or trailer section
    /// after a last chunk (RFC 9112 §7.1.2). All or nothing: fields are reported only once the empty line has
    /// arrived, so an obs-folded value is never reported half-way.
    /// </summary>
    public static bool TryParseHeaders<THandler>(ref SequenceReader<byte> reader, ref THandler handler, in HttpParserLimits limits,
        ref HttpScanProgress progress)
        where THandler : struct, IHttpHeadersHandler
    {
        if (!TryFindEndOfHeaders(reader, limits, ref progress, out long blockLength)) return false;

        ReadOnlySequence<byte> blockSequence = reader.UnreadSequence.Slice(0, blockLength);
        ReadOnlySpan<byte> block = Contiguous(blockSequence);
        ReportHeaders(block, ref handler);
        reader.Advance(blockLength);
        return true;
    }

    /// <summary>chunk-size [ chunk-ext ] CRLF (RFC 9112 §7.1). Extensions are returned raw, without the leading ';'.</summary>
    public static bool TryParseChunkHeader<THandler>(ref SequenceReader<byte> reader, ref THandler handler, in HttpParserLimits limits,
        ref HttpScanProgress progress, out long chunkSize, out ReadOnlySpan<byte> extensions)
        where THandler : struct, IHttpLeniencyHandler
    {
        chunkSize = 0;
        extensions = default;
        if (!TryTakeLine(ref reader, limits.MaxLineBytes, ref handler, ref progress.LineExamined, out ReadOnlySequence<byte> lineSequence)) return false;
        ReadOnlySpan<byte> line = Contiguous(lineSequence);

        int digits = 0;
        long size = 0;
        while (digits < line.Length && HexValue(line[digits]) is int value and >= 0)
        {
            // 15 hex digits keep the size positive in a long; larger chunks are not real traffic.
            if (++digits > 15) Reject(HttpViolation.InvalidChunkSize, line);
            size = size * 16 + value;
        }
        if (digits == 0) Reject(HttpViolation.InvalidChunkSize, line);

        ReadOnlySpan<byte> rest = line[digits..].TrimStart("\t "u8);
        if (!rest.IsEmpty && rest[0] != (byte)';') Reject(HttpViolation.InvalidChunkSize, line);
        chunkSize = size;
        extensions = rest.IsEmpty ? default : rest[1..];
        return true;
    }

    /// <summary>The CRLF that closes chunk-data (RFC 9112 §7.1); a bare LF is accepted as everywhere else.</summary>
    public static bool TryParseChunkDataEnd<THandler>(ref SequenceReader<byte> reader, ref THandler handler)
        where THandler : struct, IHttpLeniencyHandler
    {
        if (!reader.TryPeek(out byte first)) return false;
        if (first == LF)
        {
            handler.OnLeniency(HttpLeniency.BareLineFeed);
            reader.Advance(1);
            return true;
        }
        if (!reader.TryPeek(1, out byte second)) return false;
        if (first != CR || second != LF) Reject(HttpViolation.MissingChunkTerminator, [first, second]);
        reader.Advance(2);
        return true;
    }

    /// <summary>"HTTP/" DIGIT "." DIGIT, case-sensitive (RFC 9112 §2.3).</summary>
    public static bool TryParseVersion(ReadOnlySpan<byte> text, out HttpProtocolVersion version)
    {
        version = default;
        if (text.Length != 8 || !text.StartsWith(HttpSlash) || !IsDigit(text[5]) || text[6] != (byte)'.' || !IsDigit(text[7]))
        {
            return false;
        }
        version = new HttpProtocolVersion((byte)(text[5] - '0'), (byte)(text[7] - '0'));
        return true;
    }

    /// <summary>tchar (RFC 9110 §5.6.2).</summary>
    public static bool IsToken(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty) return false;
        foreach (byte b in text)
        {
            if (!IsTokenChar(b)) return false;
        }
        return true;
    }

    private static bool IsTokenChar(byte b) =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
        || "!#$%&'*+-.^_`|~"u8.Contains(b);

    /// <summary>
    /// Walks the header lines on a copy of the reader, enforcing the line, block and count limits, and
    /// returns the length of the block including its empty line.
    /// </summary>
    private static bool TryFindEndOfHeaders(SequenceReader<byte> probe, in HttpParserLimits limits, ref HttpScanProgress progress, out long blockLength)
    {
        blockLength = 0;
        long start = probe.Consumed;
        probe.Advance(progress.CompleteLineBytes);
        var ignoreLeniency = new DiscardLeniency();
        while (true)
        {
            // Limits are checked before the line is complete so a flood without CRLF is bounded.
            if (probe.Consumed - start > limits.MaxHeaderBytes) Reject(HttpViolation.HeadersTooLarge, $"header section over {limits.MaxHeaderBytes} bytes");
            if (!TryTakeLine(ref probe, limits.MaxLineBytes, ref ignoreLeniency, ref progress.LineExamined, out ReadOnlySequence<byte> line))
            {
                return false;
            }
            progress.CompleteLineBytes = probe.Consumed - start;
            if (line.IsEmpty) break;
            byte first = line.FirstSpan[0];
            if (first != SP && first != HT && ++progress.Fields > limits.MaxHeaderCount)
            {
                Reject(HttpViolation.TooManyHeaders, $"more than {limits.MaxHeaderCount} header fields");
            }
        }
        blockLength = probe.Consumed - start;
        progress = default;
        if (blockLength > limits.MaxHeaderBytes) Reject(HttpViolation.HeadersTooLarge, $"header section over {limits.MaxHeaderBytes} bytes");
        return true;
    }

    private static void ReportHeaders<THandler>(ReadOnlySpan<byte> block, ref THandler handler)
        where THandler : struct, IHttpHeadersHandler
    {
        byte[]? folded = null;
        try
        {
            while (true)
            {
                ReadOnlySpan<byte> line = NextLine(ref block, ref handler);
                if (line.IsEmpty) return;
                if (line[0] is SP or HT) Reject(HttpViolation.InvalidHeaderLine, line); // a fold with nothing to continue

                int colon = line.IndexOf(Colon);
                if (colon < 0)
                {
                    // Not a field line at all (RFC 9112 §5): seen from old clients that send a bare User-Agent string.
                    // Skipping it cannot change where the message ends, so a recipient loses nothing by ignoring it.
                    handler.OnLeniency(HttpLeniency.FieldLineWithoutColon);
                    continue;
                }
                if (colon == 0) Reject(HttpViolation.InvalidHeaderLine, line);
                ReadOnlySpan<byte> name = line[..colon];
                if (name[^1] is SP or HT)
                {
                    handler.OnLeniency(HttpLeniency.WhitespaceBeforeColon);
                    name = name.TrimEnd("\t "u8);
                }
                if (!IsToken(name)) Reject(HttpViolation.InvalidHeaderLine, line);
                ReadOnlySpan<byte> value = line[(colon + 1)..].Trim("\t "u8);

                if (!block.IsEmpty && block[0] is SP or HT)
                {
                    // obs-fold: RFC 9112 §5.2 lets a recipient replace each fold with a single space.
                    handler.OnLeniency(HttpLeniency.ObsoleteLineFolding);
                    folded ??= ArrayPool<byte>.Shared.Rent(block.Length + line.Length);
                    value.CopyTo(folded);
                    int length = value.Length;
                    while (!block.IsEmpty && block[0] is SP or HT)
                    {
                        ReadOnlySpan<byte> continuation = NextLine(ref block, ref handler).Trim("\t "u8);
                        if (continuation.IsEmpty) continue;
                        if (length > 0) folded[length++] = SP;
                        continuation.CopyTo(folded.AsSpan(length));
                        length += continuation.Length;
                    }
                    value = folded.AsSpan(0, length);
                }
                handler.OnHeader(name, value);
            }
        }
        finally
        {
            if (folded is not null) ArrayPool<byte>.Shared.Return(folded);
        }
    }

    /// <summary>Takes the next line of a block already known to be complete; the line excludes CR LF.</summary>
    private static ReadOnlySpan<byte> NextLine<THandler>(ref ReadOnlySpan<byte> block, ref THandler handler)
        where THandler : struct, IHttpLeniencyHandler
    {
        int lf = block.IndexOf(LF);
        ReadOnlySpan<byte> line = block[..lf];
        block = block[(lf + 1)..];
        if (line.Length > 0 && line[^1] == CR) return line[..^1];
        handler.OnLeniency(HttpLeniency.BareLineFeed);
        return line;
    }

    /// <summary>
    /// Takes one line ending in LF, looking at most <paramref name="maxLineBytes"/> bytes ahead and skipping the
    /// <paramref name="examined"/> bytes an earlier call already searched. The line returned excludes CR LF (or
    /// the bare LF). More than the limit without LF is a violation, not a wait.
    /// </summary>
    private static bool TryTakeLine<THandler>(ref SequenceReader<byte> reader, int maxLineBytes, ref THandler handler, ref long examined,
        out ReadOnlySequence<byte> line)
        where THandler : struct, IHttpLeniencyHandler
    {
        // +2 leaves room for the CR LF of a line exactly at the limit.
        ReadOnlySequence<byte> unread = reader.UnreadSequence;
        long window = Math.Min(unread.Length, maxLineBytes + 2L);
        SequencePosition? lf = examined < window ? unread.Slice(examined, window - examined).PositionOf(LF) : null;
        if (lf is null)
        {
            line = default;
            if (window > maxLineBytes + 1L) Reject(HttpViolation.LineTooLong, Evidence(unread), $" (no line end within {maxLineBytes} bytes)");
            examined = window;
            return false;
        }

        line = unread.Slice(0, lf.Value);
        long lineAndTerminator = line.Length + 1;
        bool endsWithCR = line.Length > 0 && EndsWithCR(line);
        if (endsWithCR) line = line.Slice(0, line.Length - 1);
        if (line.Length > maxLineBytes) Reject(HttpViolation.LineTooLong, Evidence(line), $" (line over {maxLineBytes} bytes)");

        reader.Advance(lineAndTerminator);
        examined = 0;
        if (!endsWithCR) handler.OnLeniency(HttpLeniency.BareLineFeed);
        return true;
    }

    private static bool EndsWithCR(in ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment) return line.FirstSpan[^1] == CR;
        Span<byte> last = stackalloc byte[1];
        line.Slice(line.Length - 1).CopyTo(last);
        return last[0] == CR;
    }

    /// <summary>Lines and header blocks are bounded by the limits, so a block split across segments is copied once.</summary>
    private static ReadOnlySpan<byte> Contiguous(ReadOnlySequence<byte> sequence) =>
        sequence.IsSingleSegment ? sequence.FirstSpan : sequence.ToArray();

    private static bool ContainsLowerCase(ReadOnlySpan<byte> text) => text.IndexOfAnyInRange((byte)'a', (byte)'z') >= 0;

    private static bool ContainsControl(ReadOnlySpan<byte> text) => text.IndexOfAnyInRange((byte)0, (byte)0x1f) >= 0 || text.Contains((byte)0x7f);

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private static ReadOnlySpan<byte> Evidence(ReadOnlySequence<byte> bytes) => Contiguous(bytes.Slice(0, Math.Min(bytes.Length, 64)));

    [DoesNotReturn]
    private static void Reject(HttpViolation violation, ReadOnlySpan<byte> evidence, string suffix = "") =>
        throw new HttpViolationException(violation, SafeText.FromBytes(evidence, 120) + suffix);

    [DoesNotReturn]
    private static void Reject(HttpViolation violation, string detail) =>
        throw new HttpViolationException(violation, detail);

    /// <summary>The look-ahead pass only measures; leniencies are reported when the block is really parsed.</summary>
    private struct DiscardLeniency : IHttpLeniencyHandler
    {
        public readonly void OnLeniency(HttpLeniency leniency)
        {
        }
    }
}
