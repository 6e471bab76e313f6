using System.Buffers;
using System.Text;
using Sniffer.Core.Text;

namespace Sniffer.Dissectors.Smtp.Parsing;

/// <summary>One command line: the verb in upper case and the raw argument bytes after the first space.</summary>
public readonly record struct SmtpCommandLine(string Verb, byte[] Argument)
{
    public string ArgumentText => SafeText.FromBytes(Argument);
}

/// <summary>
/// Parses client command lines (RFC 5321 §4.1.1): "VERB[ SP argument] CRLF". Stateless; consumes nothing until a
/// whole line is in. Also the path and parameter syntax of MAIL FROM and RCPT TO (RFC 5321 §4.1.2, §3.3).
/// </summary>
public static class SmtpCommandParser
{
    // RFC 5321 verbs are four letters; extensions add longer ones (STARTTLS, XCLIENT). More than this is not a verb.
    private const int MaxVerbLength = 16;

    /// <summary>Reads one line; on <see cref="SmtpParseStatus.Invalid"/> the line is consumed, with an empty verb and the whole line as argument.</summary>
    public static SmtpParseStatus TryParse(ref SequenceReader<byte> reader, int maxLineBytes, out SmtpCommandLine command)
    {
        long examined = 0;
        return TryParse(ref reader, maxLineBytes, out command, ref examined);
    }

    /// <param name="examined">See <see cref="SmtpLines.TryRead(ref SequenceReader{byte}, int, out ReadOnlySequence{byte}, ref long)"/>.</param>
    public static SmtpParseStatus TryParse(ref SequenceReader<byte> reader, int maxLineBytes, out SmtpCommandLine command, ref long examined)
    {
        command = default;
        SequenceReader<byte> probe = reader;
        SmtpParseStatus status = SmtpLines.TryRead(ref probe, maxLineBytes, out ReadOnlySequence<byte> raw, ref examined);
        if (status != SmtpParseStatus.Complete) return status;
        reader = probe;
        byte[] line = SmtpLines.ToArray(raw);
        if (Parse(line, out command)) return SmtpParseStatus.Complete;
        // Unlike the other statuses, an invalid line is consumed, so the caller can report it and move on.
        command = new SmtpCommandLine("", line);
        return SmtpParseStatus.Invalid;
    }

    /// <summary>Splits a line without its CRLF; false when it has no verb of letters, or holds control bytes.</summary>
    public static bool Parse(ReadOnlySpan<byte> line, out SmtpCommandLine command)
    {
        command = default;
        int space = line.IndexOf((byte)' ');
        ReadOnlySpan<byte> verb = space < 0 ? line : line[..space];
        if (verb.IsEmpty || verb.Length > MaxVerbLength) return false;
        foreach (byte b in verb)
        {
            if (!char.IsAsciiLetterOrDigit((char)b) && b != (byte)'-') return false;
        }
        if (!char.IsAsciiLetter((char)verb[0])) return false;
        ReadOnlySpan<byte> argument = space < 0 ? [] : line[(space + 1)..];
        foreach (byte b in argument)
        {
            if (b < 0x20 && b != (byte)'\t' || b == 0x7F) return false;
        }
        command = new SmtpCommandLine(Encoding.ASCII.GetString(verb).ToUpperInvariant(), argument.ToArray());
        return true;
    }

    /// <summary>
    /// Splits "FROM:&lt;path&gt; PARAM=value…" (or "TO:…") into the path without brackets and its ESMTP parameters.
    /// Lenient about a space after the colon and a missing pair of brackets, as servers are.
    /// </summary>
    public static bool TryParsePath(string argument, string keyword, out string path, out string parameters)
    {
        path = "";
        parameters = "";
        if (!argument.StartsWith(keyword, StringComparison.OrdinalIgnoreCase)) return false;
        string rest = argument[keyword.Length..].TrimStart();
        if (rest.StartsWith('<'))
        {
            int close = rest.IndexOf('>');
            if (close < 0) return false;
            path = rest[1..close];
            parameters = rest[(close + 1)..].Trim();
            return true;
        }
        int space = rest.IndexOf(' ');
        path = space < 0 ? rest : rest[..space];
        parameters = space < 0 ? "" : rest[(space + 1)..].Trim();
        return path.Length > 0;
    }

    /// <summary>ESMTP parameters ("SIZE=123 BODY=8BITMIME SMTPUTF8") by upper-case keyword; a bare keyword maps to "".</summary>
    public static IReadOnlyDictionary<string, string> ParseParameters(string parameters)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string token in parameters.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = token.IndexOf('=');
            string keyword = (equals < 0 ? token : token[..equals]).ToUpperInvariant();
            result.TryAdd(keyword, equals < 0 ? "" : token[(equals + 1)..]);
        }
        return result;
    }
}
