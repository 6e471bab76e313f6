using System.Buffers;

namespace Sniffer.Dissectors.Smtp.Parsing;

/// <summary>What a parser made of the bytes in front of it.</summary>
public enum SmtpParseStatus
{
    /// <summary>The element is not complete yet; nothing was consumed.</summary>
    NeedMoreData,

    Complete,

    /// <summary>The bytes are not this element (see each parser for what it consumed).</summary>
    Invalid,

    /// <summary>A line longer than the limit without its end; nothing was consumed.</summary>
    LineTooLong,
}

/// <summary>Line framing shared by the command and reply parsers: CRLF, and (leniently) a bare LF.</summary>
internal static class SmtpLines
{
    public static SmtpParseStatus TryRead(ref SequenceReader<byte> reader, int maxLineBytes, out ReadOnlySequence<byte> line)
    {
        long examined = 0;
        return TryRead(ref reader, maxLineBytes, out line, ref examined);
    }

    /// <param name="examined">
    /// Bytes at the reader known to hold no LF, from an earlier call offered the same unconsumed line (Kestrel's
    /// "examined"): the line is searched from there, so a line sent a byte per segment is searched once, not once per
    /// segment. Set to what was searched when the line is incomplete, to 0 when it is complete.
    /// </param>
    public static SmtpParseStatus TryRead(ref SequenceReader<byte> reader, int maxLineBytes, out ReadOnlySequence<byte> line, ref long examined)
    {
        ReadOnlySequence<byte> unread = reader.UnreadSequence;
        SequencePosition? lf = examined < unread.Length ? unread.Slice(examined).PositionOf((byte)'\n') : null;
        if (lf is null)
        {
            line = default;
            examined = unread.Length;
            return unread.Length > maxLineBytes ? SmtpParseStatus.LineTooLong : SmtpParseStatus.NeedMoreData;
        }
        examined = 0;
        line = unread.Slice(0, lf.Value);
        if (line.Length > maxLineBytes) return SmtpParseStatus.LineTooLong;
        reader.Advance(line.Length + 1);
        if (line.Length > 0 && line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r') line = line.Slice(0, line.Length - 1);
        return SmtpParseStatus.Complete;
    }

    public static byte[] ToArray(in ReadOnlySequence<byte> line) => line.IsSingleSegment ? line.FirstSpan.ToArray() : line.ToArray();
}
