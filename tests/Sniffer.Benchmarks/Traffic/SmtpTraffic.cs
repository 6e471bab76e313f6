using System.Text;
using Sniffer.Core.Flows;
using static Sniffer.Benchmarks.Traffic.TrafficText;

namespace Sniffer.Benchmarks.Traffic;

/// <summary>
/// A mail client submitting one message (RFC 5321, RFC 6409): greeting, EHLO with the usual extensions, AUTH PLAIN
/// (RFC 4954), MAIL, two RCPTs, DATA with a small multipart/alternative MIME message and a base64 attachment
/// (RFC 2045, RFC 2046), QUIT. The client waits for every reply, as one without PIPELINING does.
/// </summary>
public static class SmtpTraffic
{
    public static IEnumerable<(Direction Direction, byte[] Bytes)> SubmissionSession()
    {
        yield return Server("220 mail.example.org ESMTP Postfix (Debian/GNU)\r\n");
        yield return Client("EHLO laptop.example.com\r\n");
        yield return Server(
            "250-mail.example.org\r\n250-PIPELINING\r\n250-SIZE 52428800\r\n250-ETRN\r\n250-AUTH PLAIN LOGIN\r\n" +
            "250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250 SMTPUTF8\r\n");
        // "\0alice@example.com\0correct horse battery staple" (RFC 4616).
        yield return Client("AUTH PLAIN AGFsaWNlQGV4YW1wbGUuY29tAGNvcnJlY3QgaG9yc2UgYmF0dGVyeSBzdGFwbGU=\r\n");
        yield return Server("235 2.7.0 Authentication successful\r\n");
        yield return Client("MAIL FROM:<alice@example.com> SIZE=6144\r\n");
        yield return Server("250 2.1.0 Ok\r\n");
        yield return Client("RCPT TO:<bob@example.org>\r\n");
        yield return Server("250 2.1.5 Ok\r\n");
        yield return Client("RCPT TO:<carol@example.net>\r\n");
        yield return Server("250 2.1.5 Ok\r\n");
        yield return Client("DATA\r\n");
        yield return Server("354 End data with <CR><LF>.<CR><LF>\r\n");
        yield return Client(SubmittedMessage() + ".\r\n");
        yield return Server("250 2.0.0 Ok: queued as 4XhKqP1b2Zz9tM\r\n");
        yield return Client("QUIT\r\n");
        yield return Server("221 2.0.0 Bye\r\n");
    }

    /// <summary>The message the session submits after DATA (no dot-stuffing needed: no line starts with a dot).</summary>
    public static string SubmittedMessage()
    {
        const string boundary = "=_mixed_7f3a9c";
        const string alternative = "=_alt_51d2e8";
        string plain = Lines("The quarterly figures are attached; the summary is below.", 20);
        string html = Lines("<p>The quarterly figures are attached; the summary is below.</p>", 24);
        // Base64 lines of 76 characters ending in CRLF, as RFC 2045 §6.8 asks.
        string attachment = Convert.ToBase64String(Encoding.ASCII.GetBytes(Repeat("region,quarter,revenue\n", 1_500)), Base64FormattingOptions.InsertLineBreaks);
        return
            "From: Alice Example <alice@example.com>\r\n" +
            "To: Bob <bob@example.org>\r\n" +
            "Cc: carol@example.net\r\n" +
            "Subject: Q3 figures\r\n" +
            "Date: Fri, 27 Nov 2026 08:00:00 +0000\r\n" +
            "Message-ID: <20261127080000.4711@laptop.example.com>\r\n" +
            "MIME-Version: 1.0\r\n" +
            $"Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n" +
            "\r\n" +
            $"--{boundary}\r\n" +
            $"Content-Type: multipart/alternative; boundary=\"{alternative}\"\r\n" +
            "\r\n" +
            $"--{alternative}\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\n" +
            "Content-Transfer-Encoding: 8bit\r\n" +
            "\r\n" +
            plain +
            $"--{alternative}\r\n" +
            "Content-Type: text/html; charset=utf-8\r\n" +
            "Content-Transfer-Encoding: 8bit\r\n" +
            "\r\n" +
            html +
            $"--{alternative}--\r\n" +
            $"--{boundary}\r\n" +
            "Content-Type: text/csv; name=\"q3.csv\"\r\n" +
            "Content-Disposition: attachment; filename=\"q3.csv\"\r\n" +
            "Content-Transfer-Encoding: base64\r\n" +
            "\r\n" +
            attachment + "\r\n" +
            $"--{boundary}--\r\n";
    }
}
