using System.Buffers;
using Sniffer.Core.IO;

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
    /// Bytes of the unconsumed line already searched for its LF by an earlier call (<see cref="LineSearch.FindLineFeed"/>),
    /// so a line sent a byte per segment is searched once, not once per segment.
    /// </param>
    public static SmtpParseStatus TryRead(ref SequenceReader<byte> reader, int maxLineBytes, out ReadOnlySequence<byte> line, ref long examined)
    {
        ReadOnlySequence<byte> unread = reader.UnreadSequence;
        SequencePosition? lf = LineSearch.FindLineFeed(unread, ref examined);
        if (lf is null)
        {
            line = default;
            return unread.Length > maxLineBytes ? SmtpParseStatus.LineTooLong : SmtpParseStatus.NeedMoreData;
        }
        line = unread.Slice(0, lf.Value);
        if (line.Length > maxLineBytes) return SmtpParseStatus.LineTooLong;
        reader.Advance(line.Length + 1);
        if (line.Length > 0 && line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r') line = line.Slice(0, line.Length - 1);
        return SmtpParseStatus.Complete;
    }

    public static byte[] ToArray(in ReadOnlySequence<byte> line) => line.IsSingleSegment ? line.FirstSpan.ToArray() : line.ToArray();
}
