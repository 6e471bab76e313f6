using System.Globalization;
using System.Text;

namespace Sniffer.Benchmarks.Traffic;

/// <summary>
/// The server side of SELECT and FETCH as Dovecot answers them (RFC 9051 §7): the untagged responses of SELECT, then
/// one FETCH response whose BODY[] is a literal of about 10 KB holding a whole message (RFC 9051 §4.3), then the
/// tagged completions.
/// </summary>
public static class ImapTraffic
{
    /// <summary>Logical lines in <see cref="SelectAndFetchResponses"/>: the FETCH response and its literal count as one.</summary>
    public const int LogicalLines = 9;

    public static byte[] SelectAndFetchResponses()
    {
        string message =
            "Return-Path: <alice@example.com>\r\n" +
            "From: Alice Example <alice@example.com>\r\n" +
            "To: Bob <bob@example.org>\r\n" +
            "Subject: Q3 figures\r\n" +
            "Date: Fri, 27 Nov 2026 08:00:00 +0000\r\n" +
            "Message-ID: <20261127080000.4711@laptop.example.com>\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\n" +
            "\r\n" +
            TrafficText.Lines("The quarterly figures are below; revenue grew in every region but one, which is being looked at.", 100);
        int literalLength = Encoding.ASCII.GetByteCount(message);
        string responses =
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $Junk)\r\n" +
            "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $Junk \\*)] Flags permitted.\r\n" +
            "* 1284 EXISTS\r\n" +
            "* OK [UIDVALIDITY 1700000000] UIDs valid\r\n" +
            "* OK [UIDNEXT 4712] Predicted next UID\r\n" +
            "* OK [HIGHESTMODSEQ 90210] Highest\r\n" +
            "a2 OK [READ-WRITE] Select completed (0.001 + 0.000 secs).\r\n" +
            string.Create(CultureInfo.InvariantCulture,
                $"* 1283 FETCH (UID 4711 RFC822.SIZE {literalLength} FLAGS (\\Seen) INTERNALDATE \"27-Nov-2026 08:00:01 +0000\" BODY[] {{{literalLength}}}\r\n") +
            message +
            ")\r\n" +
            "a3 OK Fetch completed (0.002 + 0.000 + 0.001 secs).\r\n";
        return Encoding.ASCII.GetBytes(responses);
    }
}
