using System.Buffers;
using System.Globalization;
using System.Text.RegularExpressions;
using Sniffer.Core.Text;
using Sniffer.Dissectors.Smtp.Records;

namespace Sniffer.Dissectors.Smtp.Parsing;

/// <summary>
/// How far <see cref="SmtpReplyParser.TryParse"/> already read into the same unconsumed bytes: the complete lines of a
/// multiline reply whose last line has not arrived (Kestrel's "examined" position, as HttpScanProgress). The caller
/// keeps it while nothing is consumed and resets it when the bytes it describes are dropped (a gap).
/// </summary>
public sealed class SmtpReplyProgress
{
    internal long ParsedBytes;
    internal List<string> Lines = [];

    /// <summary>Bytes of the incomplete line after them known to hold no LF.</summary>
    internal long LineExamined;

    public void Reset()
    {
        ParsedBytes = 0;
        LineExamined = 0;
        Lines = [];
    }
}

/// <summary>
/// Parses one whole server reply (RFC 5321 §4.2): "ddd-text" lines closed by "ddd text" (or a bare "ddd").
/// Consumes nothing until the last line of the reply is in; with a <see cref="SmtpReplyProgress"/> the lines read by
/// an earlier call are not read again, so a reply of a thousand lines arriving a line per segment stays linear.
/// </summary>
public static partial class SmtpReplyParser
{
    public static SmtpParseStatus TryParse(ref SequenceReader<byte> reader, int maxLineBytes, int maxLines, out SmtpReply? reply,
        SmtpReplyProgress? progress = null)
    {
        progress ??= new SmtpReplyProgress();
        SmtpParseStatus status = TryParse(ref reader, maxLineBytes, maxLines, progress, out reply);
        if (status != SmtpParseStatus.NeedMoreData) progress.Reset();
        return status;
    }

    private static SmtpParseStatus TryParse(ref SequenceReader<byte> reader, int maxLineBytes, int maxLines, SmtpReplyProgress progress, out SmtpReply? reply)
    {
        reply = null;
        SequenceReader<byte> probe = reader;
        probe.Advance(progress.ParsedBytes);
        List<string> lines = progress.Lines;
        while (true)
        {
            SmtpParseStatus status = SmtpLines.TryRead(ref probe, maxLineBytes, out ReadOnlySequence<byte> raw, ref progress.LineExamined);
            if (status != SmtpParseStatus.Complete) return status;
            byte[] line = SmtpLines.ToArray(raw);
            if (!TryParseLine(line, out _, out bool last, out string text)) return SmtpParseStatus.Invalid;
            lines.Add(text);
            if (last) break;
            if (lines.Count >= maxLines) return SmtpParseStatus.Invalid;
            progress.ParsedBytes = probe.Consumed - reader.Consumed;
        }
        // RFC 5321 §4.2.1: every line of a multiline reply carries the same code; keep the first one's.
        Span<byte> first = stackalloc byte[3];
        reader.UnreadSequence.Slice(0, 3).CopyTo(first);
        int code = int.Parse(first, CultureInfo.InvariantCulture);
        reader = probe;
        reply = new SmtpReply(code, EnhancedStatusOf(lines[0]), lines);
        return SmtpParseStatus.Complete;
    }

    /// <summary>Whether the bytes can start a reply: three digits, the first 2–5 (RFC 5321 §4.2).</summary>
    public static bool LooksLikeReply(ReadOnlySpan<byte> bytes)
    {
        for (int i = 0; i < Math.Min(3, bytes.Length); i++)
        {
            if (!char.IsAsciiDigit((char)bytes[i]) || (i == 0 && bytes[0] is < (byte)'2' or > (byte)'5')) return false;
        }
        return bytes.Length < 4 || bytes[3] is (byte)' ' or (byte)'-' or (byte)'\r' or (byte)'\n';
    }

    private static bool TryParseLine(ReadOnlySpan<byte> line, out int code, out bool last, out string text)
    {
        code = 0;
        last = true;
        text = "";
        if (line.Length < 3 || !LooksLikeReply(line)) return false;
        code = int.Parse(line[..3], CultureInfo.InvariantCulture);
        if (line.Length == 3) return true;
        last = line[3] != (byte)'-';
        text = SafeText.FromBytes(line[4..]);
        return true;
    }

    // RFC 3463 §2 status codes as RFC 2034 §4 puts them at the start of the text: class.subject.detail.
    private static string? EnhancedStatusOf(string text) => EnhancedStatus().Match(text) is { Success: true } match ? match.Groups[1].Value : null;

    [GeneratedRegex(@"^([245]\.\d{1,3}\.\d{1,3})(?:\s|$)", RegexOptions.CultureInvariant)]
    private static partial Regex EnhancedStatus();
}
