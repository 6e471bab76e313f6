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
        SequenceReader<byte> probe = reader;
        if (!probe.TryReadTo(out line, (byte)'\n'))
        {
            return reader.Remaining > maxLineBytes ? SmtpParseStatus.LineTooLong : SmtpParseStatus.NeedMoreData;
        }
        if (line.Length > maxLineBytes) return SmtpParseStatus.LineTooLong;
        if (line.Length > 0 && line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r') line = line.Slice(0, line.Length - 1);
        reader = probe;
        return SmtpParseStatus.Complete;
    }

    public static byte[] ToArray(in ReadOnlySequence<byte> line) => line.IsSingleSegment ? line.FirstSpan.ToArray() : line.ToArray();
}
