using System.Text;
using Sniffer.TestSupport.Synthesis;

namespace Sniffer.Reports.Tests;

/// <summary>
/// Traffic whose every captured string attacks the report that shows it: script tags, attribute break-outs,
/// terminal escapes, spreadsheet formulas and path traversal in URIs, headers, cookies, file names and subjects.
/// </summary>
public static class HostileTraffic
{
    public const string Script = "<script>alert(1)</script>";
    public const string ImageBreakOut = "\"><img src=x onerror=alert(1)>";
    public const string TerminalClear = "\u001b[2J";
    public const string Formula = "=HYPERLINK(\"http://evil\")";

    /// <summary>The response body; also served with a Content-Disposition filename that climbs out of the folder.</summary>
    public static readonly byte[] Body = Encoding.ASCII.GetBytes("<html>" + Script + "</html>");

    public static IEnumerable<SyntheticFrame> Http(string contentDispositionFileName = "../../x<script>.html")
    {
        // No spaces in the target (they would end the request line); the break-out uses '/' as HTML allows.
        string target = "/" + Script + "/\"><img/src=x/onerror=alert(1)>?q=" + Script;
        string request =
            $"GET {target} HTTP/1.1\r\n" +
            $"Host: evil{Script}.example\r\n" +
            $"User-Agent: {TerminalClear}{Script}\r\n" +
            $"X-Attack: {ImageBreakOut}\r\n" +
            $"Referer: http://site.example/{ImageBreakOut}\r\n" +
            $"Cookie: sid={ImageBreakOut}; f={Formula}\r\n\r\n";
        string response =
            "HTTP/1.1 200 OK\r\n" +
            "Content-Type: text/html\r\n" +
            $"Set-Cookie: t={Script}; Path=/{ImageBreakOut}\r\n" +
            $"Content-Disposition: attachment; filename=\"{contentDispositionFileName}\"\r\n" +
            $"X-Clear: {TerminalClear}\r\n" +
            $"Content-Length: {Body.Length}\r\n\r\n";
        var conversation = new TcpConversation("192.0.2.1:40001", "198.51.100.7:80").Handshake();
        conversation.ClientSends(request).ServerSends(Encoding.ASCII.GetBytes(response).Concat(Body).ToArray()).Close();
        return conversation.Frames;
    }

    public static IEnumerable<SyntheticFrame> Smtp()
    {
        var conversation = new TcpConversation("192.0.2.1:40002", "198.51.100.8:25", startNs: 1_700_000_001_000_000_000).Handshake();
        conversation.ServerSends("220 mx.example ESMTP\r\n")
            .ClientSends($"EHLO {Script}\r\n").ServerSends("250 mx.example\r\n")
            .ClientSends($"MAIL FROM:<alice@example.com>\r\n").ServerSends("250 OK\r\n")
            .ClientSends("RCPT TO:<bob@example.org>\r\n").ServerSends("250 OK\r\n")
            .ClientSends("DATA\r\n").ServerSends("354 go ahead\r\n")
            .ClientSends(
                $"From: {ImageBreakOut} <alice@example.com>\r\n" +
                "To: bob@example.org\r\n" +
                $"Subject: {Formula} {Script} {TerminalClear}\r\n" +
                "Message-ID: <hostile@example.com>\r\n\r\n" +
                $"{Script}\r\n.\r\n")
            .ServerSends("250 queued\r\n")
            .ClientSends("QUIT\r\n").ServerSends("221 bye\r\n").Close();
        return conversation.Frames;
    }
}
