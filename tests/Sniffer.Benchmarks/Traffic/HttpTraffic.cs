using System.Globalization;
using System.Text;
using Sniffer.Core.Flows;
using static Sniffer.Benchmarks.Traffic.TrafficText;

namespace Sniffer.Benchmarks.Traffic;

/// <summary>
/// A browser loading a page over one keep-alive HTTP/1.1 connection: heads shaped like Firefox's requests and nginx's
/// responses, bodies framed by Content-Length and by chunked transfer coding (RFC 9112 §6.3, §7.1), one conditional
/// GET answered 304 and one form POST.
/// </summary>
public static class HttpTraffic
{
    /// <summary>Header fields in <see cref="RequestHead"/>.</summary>
    public const int RequestHeadFields = 12;

    public const string RequestHead =
        "GET /static/js/app.3f9c2b.js?v=20261127 HTTP/1.1\r\n" +
        "Host: www.example.com\r\n" +
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0\r\n" +
        "Accept: */*\r\n" +
        "Accept-Language: en-GB,en;q=0.5\r\n" +
        "Accept-Encoding: gzip, deflate, br, zstd\r\n" +
        "Referer: http://www.example.com/products/index.html\r\n" +
        "Cookie: session=8f14e45fceea167a5a36dedd4bea2543; theme=dark; consent=1\r\n" +
        "Connection: keep-alive\r\n" +
        "Sec-Fetch-Dest: script\r\n" +
        "Sec-Fetch-Mode: no-cors\r\n" +
        "Sec-Fetch-Site: same-origin\r\n" +
        "If-None-Match: \"6741f2a0-7a12\"\r\n" +
        "\r\n";

    /// <summary>Header fields in <see cref="ResponseHead"/>.</summary>
    public const int ResponseHeadFields = 11;

    public const string ResponseHead =
        "HTTP/1.1 200 OK\r\n" +
        "Server: nginx/1.26.2\r\n" +
        "Date: Fri, 27 Nov 2026 08:00:00 GMT\r\n" +
        "Content-Type: application/javascript; charset=utf-8\r\n" +
        "Content-Length: 31250\r\n" +
        "Last-Modified: Mon, 23 Nov 2026 15:04:00 GMT\r\n" +
        "Connection: keep-alive\r\n" +
        "ETag: \"6741f2a0-7a12\"\r\n" +
        "Cache-Control: public, max-age=31536000, immutable\r\n" +
        "Vary: Accept-Encoding\r\n" +
        "X-Content-Type-Options: nosniff\r\n" +
        "Accept-Ranges: bytes\r\n" +
        "\r\n";

    /// <summary>Request/response pairs in <see cref="KeepAliveConnection"/>.</summary>
    public const int Exchanges = 6;

    /// <summary>
    /// The turns of the connection, client first, ready for a <see cref="Support.StreamReplay"/>. <paramref name="site"/>
    /// varies the host and targets, so that records of many connections differ as a capture's do.
    /// </summary>
    public static IEnumerable<(Direction Direction, byte[] Bytes)> KeepAliveConnection(int site = 0)
    {
        string host = string.Create(CultureInfo.InvariantCulture, $"shop{site}.example.com");
        yield return Client(Request(host, "GET", $"/products/{site}/index.html", "text/html,application/xhtml+xml,*/*;q=0.8"));
        yield return Server(Response(200, "text/html; charset=utf-8", ContentLength(Repeat("<p>Product list</p>\n", 14_000))));
        yield return Client(Request(host, "GET", $"/static/{site}/site.css", "text/css,*/*;q=0.1"));
        yield return Server(Response(200, "text/css", Chunked(Repeat(".card{margin:0 auto;padding:1rem}\n", 9_000), 2048)));
        yield return Client(Request(host, "GET", $"/static/{site}/app.js", "*/*"));
        yield return Server(Response(200, "application/javascript", ContentLength(Repeat("function f(a){return a+1}\n", 31_250))));
        yield return Client(Request(host, "GET", $"/static/{site}/logo.png", "image/avif,image/webp,*/*", "If-None-Match: \"5f3a-1c0\"\r\n"));
        yield return Server(Response(304, null, ""));
        string form = "name=Ada+Lovelace&email=ada%40example.com&message=" + new string('x', 240);
        yield return Client(Request(host, "POST", "/contact", "text/html", $"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {form.Length}\r\n") + form);
        yield return Server(Response(201, "application/json", ContentLength("{\"status\":\"received\",\"id\":4711}")));
        yield return Client(Request(host, "GET", $"/api/products?site={site}&page=2", "application/json"));
        yield return Server(Response(200, "application/json", Chunked(Repeat("{\"id\":1,\"name\":\"widget\",\"price\":9.5},", 6_000), 1024)));
    }

    private static string Request(string host, string method, string target, string accept, string extraHeaders = "") =>
        $"{method} {target} HTTP/1.1\r\n" +
        $"Host: {host}\r\n" +
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0\r\n" +
        $"Accept: {accept}\r\n" +
        "Accept-Language: en-GB,en;q=0.5\r\n" +
        "Accept-Encoding: gzip, deflate, br, zstd\r\n" +
        "Cookie: session=8f14e45fceea167a5a36dedd4bea2543; theme=dark\r\n" +
        "Connection: keep-alive\r\n" +
        extraHeaders +
        "\r\n";

    /// <summary>A response; <paramref name="framingAndBody"/> starts with the framing header(s) and the empty line.</summary>
    private static string Response(int status, string? contentType, string framingAndBody) =>
        $"HTTP/1.1 {status} {Reason(status)}\r\n" +
        "Server: nginx/1.26.2\r\n" +
        "Date: Fri, 27 Nov 2026 08:00:00 GMT\r\n" +
        (contentType is null ? "" : $"Content-Type: {contentType}\r\n") +
        "Connection: keep-alive\r\n" +
        "Cache-Control: no-cache\r\n" +
        (framingAndBody.Length == 0 ? "\r\n" : framingAndBody);

    private static string Reason(int status) => status switch { 200 => "OK", 201 => "Created", 304 => "Not Modified", _ => "Status" };

    private static string ContentLength(string body) => $"Content-Length: {body.Length}\r\n\r\n{body}";

    /// <summary>The body in chunks of <paramref name="chunkSize"/> bytes, hex sizes, then the last chunk (RFC 9112 §7.1).</summary>
    private static string Chunked(string body, int chunkSize)
    {
        var text = new StringBuilder("Transfer-Encoding: chunked\r\n\r\n");
        for (int offset = 0; offset < body.Length; offset += chunkSize)
        {
            int length = Math.Min(chunkSize, body.Length - offset);
            text.Append(length.ToString("x", CultureInfo.InvariantCulture)).Append("\r\n").Append(body, offset, length).Append("\r\n");
        }
        return text.Append("0\r\n\r\n").ToString();
    }
}
