using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Sniffer.Core.Dissection;
using Sniffer.Core.IO;
using Sniffer.Core.Text;

namespace Sniffer.Dissectors.Imap.Parsing;

/// <summary>What the tokenizer is doing with the next bytes (MailKit's ImapStreamMode, plus resynchronisation).</summary>
public enum ImapTokenizerMode : byte
{
    /// <summary>Reading a physical line to its LF.</summary>
    Token,

    /// <summary>Delivering the bytes of a literal raw: nothing in them is IMAP syntax, however much it looks like it.</summary>
    Literal,

    /// <summary>After a gap or an oversized line: skipping to the next line that starts like a command or response.</summary>
    Resync,
}

/// <summary>Outcome of <see cref="ImapTokenizer.TryRead"/>.</summary>
public enum ImapReadStatus : byte
{
    /// <summary>No logical line completed; bytes of a literal or skipped bytes may have been consumed.</summary>
    NeedMoreData,

    /// <summary>A logical line completed.</summary>
    Line,

    /// <summary>A physical line exceeded DissectorSettings.MaxLineBytes; the tokenizer is resynchronising.</summary>
    LineTooLong,

    /// <summary>A literal larger than DissectorSettings.MaxLiteralBytes was announced: its bytes will be counted, the first ones kept.</summary>
    LiteralTooLarge,
}

/// <summary>
/// Frames one direction of an IMAP connection into logical lines (RFC 9051 §2.2, §4). In Token mode it reads a
/// physical line; a line ending in <c>{n}</c>, <c>{n+}</c> (RFC 7888) or <c>~{n}</c> (RFC 3516) switches it to
/// Literal mode for exactly n bytes, after which the same logical line continues. Like Kestrel's parser it
/// consumes a physical line only once it is complete; literal bytes are consumed as they arrive, since a
/// literal may be a 50 MB message.
/// </summary>
public sealed class ImapTokenizer
{
    private const byte LF = (byte)'\n';
    private const byte CR = (byte)'\r';

    // How much of a candidate line the resynchronising scan wants before judging it.
    private const int ResyncWindowBytes = 64;

    private readonly int _maxLineBytes;
    private readonly long _maxLiteralBytes;
    private readonly ImapLineKind _kind;
    private readonly KeptBytesBudget _keptBytesBudget;
    private ImapLine? _line;
    private ImapLiteral? _literal;
    private bool _resyncAtLineStart;

    // Bytes of the unconsumed physical line already searched for its LF: the same bytes come again with the next segment.
    private long _examined;

    // What the logical line in progress holds until it completes and is handed over: its text outside literals, and
    // what its literals may still keep. Its finished literals have left the kept-bytes budget, so without these
    // bounds a line of "{0}" literals or of many large ones grew for as long as the peer kept it going.
    private long _lineTextBytes;
    private long _lineLiteralAllowance;

    /// <param name="keptBytesBudget">What all flows' unfinished entities, literals among them, may keep together.</param>
    public ImapTokenizer(ImapLineKind kind, DissectorSettings settings, KeptBytesBudget keptBytesBudget)
    {
        _kind = kind;
        _keptBytesBudget = keptBytesBudget;
        _maxLineBytes = settings.MaxLineBytes;
        _maxLiteralBytes = Math.Min(settings.MaxLiteralBytes, Array.MaxLength);
    }

    public ImapTokenizerMode Mode { get; private set; }

    /// <summary>Bytes skipped by the last resynchronisation.</summary>
    public long SkippedBytes { get; private set; }

    /// <summary>
    /// Reads until a logical line completes or the bytes run out. Never consumes an incomplete physical line.
    /// </summary>
    public ImapReadStatus TryRead(ref SequenceReader<byte> reader, IStreamClock clock, out ImapLine? line)
    {
        line = null;
        while (true)
        {
            switch (Mode)
            {
                case ImapTokenizerMode.Literal:
                {
                    ImapLiteral literal = _literal!;
                    long take = Math.Min(literal.Remaining, reader.Remaining);
                    if (take == 0) return ImapReadStatus.NeedMoreData;
                    literal.Append(reader.UnreadSequence.Slice(0, take));
                    reader.Advance(take);
                    _line!.Length += take;
                    _line.EndNs = clock.TimeAt(reader.Consumed - 1);
                    if (literal.Remaining > 0) return ImapReadStatus.NeedMoreData;
                    literal.Finish();
                    _literal = null;
                    Mode = ImapTokenizerMode.Token;
                    continue;
                }

                case ImapTokenizerMode.Resync:
                    if (!TryResynchronise(ref reader)) return ImapReadStatus.NeedMoreData;
                    continue;

                default:
                {
                    long start = reader.Consumed;
                    ReadOnlySequence<byte> unread = reader.UnreadSequence;
                    SequencePosition? lf = LineSearch.FindLineFeed(unread, ref _examined);
                    if (lf is null)
                    {
                        if (unread.Length <= _maxLineBytes) return ImapReadStatus.NeedMoreData;
                        return TooLong(atLineStart: false);
                    }
                    ReadOnlySequence<byte> physical = unread.Slice(0, lf.Value);
                    reader.Advance(physical.Length + 1);
                    bool first = _line is null;
                    if (first)
                    {
                        _lineTextBytes = 0;
                        _lineLiteralAllowance = _maxLiteralBytes;
                    }
                    // The line's parts between literals count as one line: "a1 X {0}" repeated is one endless line.
                    if ((_lineTextBytes += physical.Length) >= _maxLineBytes) return TooLong(atLineStart: true);

                    ReadOnlySpan<byte> bytes = physical.IsSingleSegment ? physical.FirstSpan : physical.ToArray();
                    if (!bytes.IsEmpty && bytes[^1] == CR) bytes = bytes[..^1];
                    _line ??= new ImapLine(SafeText.FromBytes(bytes, 1024), clock.TimeAt(start));
                    _line.Length += reader.Consumed - start;
                    _line.EndNs = clock.TimeAt(reader.Consumed - 1);

                    ReadOnlySpan<byte> text = bytes;
                    LiteralMarker? marker = first && !ImapLineSniffer.MayCarryLiteral(bytes) ? null : FindLiteralMarker(bytes);
                    if (marker is { } m) text = bytes[..m.Start];
                    Tokenise(text, _line.Tokens);
                    if (marker is { } found)
                    {
                        // All the line's literals together keep at most what one may: the rest are counted, as past the cap.
                        _literal = new ImapLiteral(found.Length, found.Kind, _lineLiteralAllowance, _keptBytesBudget);
                        _lineLiteralAllowance -= Math.Min(found.Length, _lineLiteralAllowance);
                        _line.Tokens.Add(new ImapToken(ImapTokenKind.Literal, "", _literal));
                        if (found.Length > 0) Mode = ImapTokenizerMode.Literal;
                        else _literal.Finish();
                        if (found.Length > _maxLiteralBytes) return ImapReadStatus.LiteralTooLarge;
                        continue;
                    }
                    line = _line;
                    _line = null;
                    return ImapReadStatus.Line;
                }
            }
        }

        ImapReadStatus TooLong(bool atLineStart)
        {
            _line = null;
            StartResync(atLineStart);
            return ImapReadStatus.LineTooLong;
        }
    }

    /// <summary>
    /// <paramref name="length"/> bytes were lost. Inside a literal that still expects them the framing holds: the
    /// literal is marked incomplete and reading goes on after it. Anywhere else the logical line in progress is cut
    /// short (returned in <paramref name="cut"/>, marked incomplete) and the tokenizer looks for the next line start.
    /// </summary>
    public void OnGap(long length, out ImapLine? cut)
    {
        cut = null;
        if (Mode == ImapTokenizerMode.Literal && length <= _literal!.Remaining)
        {
            _literal.AddMissing(length);
            _line!.Length += length;
            if (_literal.Remaining == 0)
            {
                _literal.Finish();
                _literal = null;
                Mode = ImapTokenizerMode.Token;
            }
            return;
        }
        if (_literal is not null)
        {
            _literal.AddMissing(_literal.Remaining);
            _literal.Finish();
        }
        if (_line is not null)
        {
            _line.Incomplete = true;
            cut = _line;
        }
        _line = null;
        _literal = null;
        StartResync(atLineStart: true);
    }

    /// <summary>
    /// The tag of the command whose synchronising literal waits for the server's "+" (nothing of it sent yet), or
    /// null. Only client commands wait: RFC 9051 §4.3 lets the client send such a literal only once invited.
    /// </summary>
    public string? AwaitingInvitation =>
        Mode == ImapTokenizerMode.Literal && _literal is { Kind: ImapLiteralKind.Synchronizing, Invited: false, ReceivedBytes: 0, MissingBytes: 0 }
            ? _line!.TokenAt(0)?.Text
            : null;

    /// <summary>The server said "+": the awaited literal's bytes follow.</summary>
    public void Invite() => _literal!.Invited = true;

    /// <summary>
    /// The server refused the awaited literal: it will never be sent, so the logical line ends at its marker and
    /// the client's next bytes are a new command, not literal data.
    /// </summary>
    public ImapLine RefuseLiteral()
    {
        ImapLine line = _line!;
        _literal!.Refused = true;
        _literal.Finish();
        _line = null;
        _literal = null;
        Mode = ImapTokenizerMode.Token;
        return line;
    }

    /// <summary>The line in progress when the direction ended, marked incomplete, if any.</summary>
    public ImapLine? TakeUnfinished()
    {
        _examined = 0;
        ImapLine? line = _line;
        if (line is not null) line.Incomplete = true;
        _literal?.Finish();
        _line = null;
        _literal = null;
        return line;
    }

    /// <summary>The connection is given up mid-line: the literal in progress is dropped unread, with its share of the budget.</summary>
    public void Abandon()
    {
        _examined = 0;
        _literal?.Abandon();
        _line = null;
        _literal = null;
    }

    /// <summary>
    /// The bytes after those consumed are no longer the ones searched so far (COMPRESS turned the direction into a
    /// deflate stream): the line in progress is searched again from its start.
    /// </summary>
    public void RestartLineSearch() => _examined = 0;

    private void StartResync(bool atLineStart)
    {
        _examined = 0;
        Mode = ImapTokenizerMode.Resync;
        _resyncAtLineStart = atLineStart;
        SkippedBytes = 0;
    }

    /// <summary>
    /// Candidates are the first byte after the gap and every byte after an LF. Returns true once positioned on a
    /// line that starts like one of this direction's.
    /// </summary>
    private bool TryResynchronise(ref SequenceReader<byte> reader)
    {
        Span<byte> window = stackalloc byte[ResyncWindowBytes];
        while (!reader.End)
        {
            if (_resyncAtLineStart)
            {
                ReadOnlySequence<byte> candidate = reader.UnreadSequence;
                int length = (int)Math.Min(candidate.Length, ResyncWindowBytes);
                candidate.Slice(0, length).CopyTo(window);
                ReadOnlySpan<byte> head = window[..length];
                int lineEnd = head.IndexOf(LF);
                if (lineEnd < 0 && length < ResyncWindowBytes) return false;
                if (ImapLineSniffer.StartsLine(_kind, lineEnd < 0 ? head : head[..lineEnd]))
                {
                    Mode = ImapTokenizerMode.Token;
                    return true;
                }
            }
            long before = reader.Consumed;
            _resyncAtLineStart = reader.TryAdvanceTo(LF);
            if (!_resyncAtLineStart) reader.AdvanceToEnd();
            SkippedBytes += reader.Consumed - before;
        }
        return false;
    }

    private readonly record struct LiteralMarker(int Start, long Length, ImapLiteralKind Kind);

    /// <summary>
    /// A literal is announced at the very end of a physical line (RFC 9051 §4.3: <c>"{" number64 ["+"] "}" CRLF</c>).
    /// </summary>
    private static LiteralMarker? FindLiteralMarker(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty || line[^1] != (byte)'}') return null;
        int open = line.LastIndexOf((byte)'{');
        if (open < 0) return null;
        ReadOnlySpan<byte> digits = line[(open + 1)..^1];
        var kind = ImapLiteralKind.Synchronizing;
        if (!digits.IsEmpty && digits[^1] is (byte)'+' or (byte)'-')
        {
            // "-" is LITERAL- (RFC 7888 §4): non-synchronising too, limited to 4096 bytes by the server.
            kind = ImapLiteralKind.NonSynchronizing;
            digits = digits[..^1];
        }
        if (digits.IsEmpty || digits.Length > 18 || !Utf8Parser.TryParse(digits, out long length, out int used) || used != digits.Length)
        {
            return null;
        }
        if (open > 0 && line[open - 1] == (byte)'~')
        {
            kind = ImapLiteralKind.Binary;
            open--;
        }
        return new LiteralMarker(open, length, kind);
    }

    /// <summary>
    /// Splits the text of a physical line into atoms, quoted strings and parentheses. An atom that opens a
    /// bracket runs to the matching one, spaces and parentheses included, so <c>BODY[HEADER.FIELDS (FROM TO)]&lt;0&gt;</c>
    /// and a response code such as <c>[PERMANENTFLAGS (\Seen \*)]</c> are one token each (RFC 9051 §7.5.2 section,
    /// §7.1 resp-text-code).
    /// </summary>
    internal static void Tokenise(ReadOnlySpan<byte> text, List<ImapToken> tokens)
    {
        // Spaces and parentheses separate nearly every token (RFC 9051 §9): vectorised counts size the list once, where
        // a SEARCH answer of a thousand numbers, or an ENVELOPE of nested lists, would otherwise grow it through copies.
        tokens.EnsureCapacity(tokens.Count + text.Count((byte)' ') + text.Count((byte)'(') + text.Count((byte)')') + 1);
        int i = 0;
        while (i < text.Length)
        {
            byte b = text[i];
            switch (b)
            {
                case (byte)' ' or (byte)'\t':
                    i++;
                    break;
                case (byte)'(':
                    tokens.Add(new ImapToken(ImapTokenKind.OpenParen, "("));
                    i++;
                    break;
                case (byte)')':
                    tokens.Add(new ImapToken(ImapTokenKind.CloseParen, ")"));
                    i++;
                    break;
                case (byte)'"':
                    i = ReadQuoted(text, i + 1, tokens);
                    break;
                default:
                {
                    int start = i;
                    int depth = 0;
                    for (; i < text.Length; i++)
                    {
                        byte c = text[i];
                        if (c == (byte)'[') depth++;
                        else if (c == (byte)']' && depth > 0) depth--;
                        else if (depth == 0 && c is (byte)' ' or (byte)'(' or (byte)')' or (byte)'"') break;
                    }
                    tokens.Add(new ImapToken(ImapTokenKind.Atom, AtomText(text[start..i])));
                    break;
                }
            }
        }
    }

    // Atoms that fill FETCH responses and commands over and over (NIL alone is most of an ENVELOPE): these share
    // one string each instead of a new one per occurrence.
    private static readonly string[] CommonAtoms =
        ["NIL", "FETCH", "UID", "FLAGS", "ENVELOPE", "BODYSTRUCTURE", "RFC822.SIZE", "INTERNALDATE", "BODY[]", "OK", "EXISTS", "RECENT", "\\Seen"];

    private static string AtomText(ReadOnlySpan<byte> atom)
    {
        foreach (string common in CommonAtoms)
        {
            if (common.Length == atom.Length && Ascii.Equals(atom, common)) return common;
        }
        return Encoding.UTF8.GetString(atom);
    }

    /// <summary>A quoted string with <c>\"</c> and <c>\\</c> undone; an unterminated one runs to the end of the line.</summary>
    private static int ReadQuoted(ReadOnlySpan<byte> text, int i, List<ImapToken> tokens)
    {
        ReadOnlySpan<byte> rest = text[i..];
        int stop = rest.IndexOfAny((byte)'"', (byte)'\\');
        if (stop < 0 || rest[stop] == (byte)'"')
        {
            // No escape before the closing quote, the usual case: the value is the bytes between the quotes.
            int length = stop < 0 ? rest.Length : stop;
            tokens.Add(new ImapToken(ImapTokenKind.Quoted, Encoding.UTF8.GetString(rest[..length])));
            return i + length + 1;
        }
        byte[] value = new byte[rest.Length];
        int written = 0;
        for (; i < text.Length; i++)
        {
            byte c = text[i];
            if (c == (byte)'"') break;
            if (c == (byte)'\\' && i + 1 < text.Length) c = text[++i];
            value[written++] = c;
        }
        tokens.Add(new ImapToken(ImapTokenKind.Quoted, Encoding.UTF8.GetString(value, 0, written)));
        return i + 1;
    }
}
