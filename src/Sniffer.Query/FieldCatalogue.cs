namespace Sniffer.Query;

/// <summary>What a field holds, which decides the literals it accepts and how a comparison reads.</summary>
public enum FieldType
{
    /// <summary>Text: compared case-insensitively (the store's collation); <c>~</c> is a substring or regex test.</summary>
    Text,

    /// <summary>A plain count or code (a status, a port); a unit after the number is an error.</summary>
    Number,

    /// <summary>Bytes: a bare number is bytes, or a size unit (<c>512KB</c>, <c>2KiB</c>, <c>1MB</c>).</summary>
    Size,

    /// <summary>An interval in nanoseconds: the literal needs a time unit (<c>200ms</c>, <c>1.5s</c>, <c>10us</c>).</summary>
    Duration,

    /// <summary>A point in time (Unix nanoseconds): an ISO 8601 date-time (UTC unless it has an offset) or Unix seconds.</summary>
    Timestamp,
}

/// <summary>One field of the filter language: its canonical dotted name, its short aliases, its type and meaning.</summary>
public sealed record FieldDefinition(string Name, FieldType Type, string Description, params string[] Aliases)
{
    public override string ToString() => Name;
}

/// <summary>
/// Every field the filter language knows, whatever collection it applies to. Which fields a given list (flows,
/// HTTP, mail…) holds, and where in its documents, is the store's business (Sniffer.Storage.Queries); a name that
/// is not here is a syntax error at its column.
/// </summary>
public static class FieldCatalogue
{
    public static readonly FieldDefinition Time = new("time", FieldType.Timestamp, "when the record started (first packet, first request byte, command sent)", "ts");
    public static readonly FieldDefinition Flow = new("flow", FieldType.Number, "the flow id within its capture");
    public static readonly FieldDefinition Capture = new("capture", FieldType.Number, "the capture the record came from (1 for the first)");
    public static readonly FieldDefinition Protocol = new("protocol", FieldType.Text, "the application protocol a flow was dissected as (http, smtp, imap)", "proto");
    public static readonly FieldDefinition Client = new("client", FieldType.Text, "the client endpoint, address:port", "src");
    public static readonly FieldDefinition Server = new("server", FieldType.Text, "the server endpoint, address:port", "dst");
    public static readonly FieldDefinition ClientIp = new("client.ip", FieldType.Text, "the client's address");
    public static readonly FieldDefinition ClientPort = new("client.port", FieldType.Number, "the client's port");
    public static readonly FieldDefinition ServerIp = new("server.ip", FieldType.Text, "the server's address");
    public static readonly FieldDefinition ServerPort = new("server.port", FieldType.Number, "the server's port", "port");
    public static readonly FieldDefinition HandshakeRtt = new("tcp.rtt", FieldType.Duration, "handshake round-trip time (SYN to ACK at the capture point)", "rtt");
    public static readonly FieldDefinition Bytes = new("bytes", FieldType.Size, "TCP payload bytes in both directions");
    public static readonly FieldDefinition Packets = new("packets", FieldType.Number, "packets in both directions");
    public static readonly FieldDefinition CloseReason = new("tcp.close", FieldType.Text, "how the flow ended: Fin, Reset, IdleTimeout, EndOfCapture, Evicted");

    public static readonly FieldDefinition HttpMethod = new("http.method", FieldType.Text, "the request method", "method");
    public static readonly FieldDefinition HttpUri = new("http.uri", FieldType.Text, "the request target as sent", "uri", "url");
    public static readonly FieldDefinition HttpHost = new("http.host", FieldType.Text, "the Host header (or the absolute URI's host)", "host");
    public static readonly FieldDefinition HttpStatus = new("http.status", FieldType.Number, "the final response's status code", "status");
    public static readonly FieldDefinition HttpVersion = new("http.version", FieldType.Text, "the request's HTTP version (HTTP/1.1)");
    public static readonly FieldDefinition HttpTtfb = new("http.ttfb", FieldType.Duration, "time to first byte: last request byte to first response byte", "ttfb");
    public static readonly FieldDefinition HttpTime = new("http.time", FieldType.Duration, "total time: first request byte to last response byte");
    public static readonly FieldDefinition HttpSize = new("http.size", FieldType.Size, "the response body's decoded size", "size");
    public static readonly FieldDefinition HttpRequestSize = new("http.request.size", FieldType.Size, "the request body's decoded size");
    public static readonly FieldDefinition HttpContentType = new("http.content_type", FieldType.Text, "the response body's media type", "content_type");
    public static readonly FieldDefinition HttpReferer = new("http.referer", FieldType.Text, "the Referer header", "referer");
    public static readonly FieldDefinition HttpCookie = new("http.cookie", FieldType.Text, "the name of a cookie the request sent");
    public static readonly FieldDefinition HttpSetCookie = new("http.set_cookie", FieldType.Text, "the name of a cookie the response set");
    public static readonly FieldDefinition HttpRevalidation = new("http.revalidation", FieldType.Text, "conditional GET outcome: NotModified, Modified, …");

    public static readonly FieldDefinition CookieName = new("cookie.name", FieldType.Text, "a cookie's name");
    public static readonly FieldDefinition CookieValue = new("cookie.value", FieldType.Text, "a cookie's value");
    public static readonly FieldDefinition CookieDirection = new("cookie.direction", FieldType.Text, "sent (in a request) or set (by a response)");
    public static readonly FieldDefinition CookieDomain = new("cookie.domain", FieldType.Text, "the Domain attribute of a set cookie");

    public static readonly FieldDefinition SmtpFrom = new("smtp.from", FieldType.Text, "the envelope sender (MAIL FROM)");
    public static readonly FieldDefinition SmtpTo = new("smtp.to", FieldType.Text, "an envelope recipient (RCPT TO)", "smtp.rcpt");
    public static readonly FieldDefinition SmtpHelo = new("smtp.helo", FieldType.Text, "the name the client gave in EHLO/HELO", "helo");
    public static readonly FieldDefinition SmtpUser = new("smtp.user", FieldType.Text, "the user an SMTP client authenticated as");
    public static readonly FieldDefinition Subject = new("mail.subject", FieldType.Text, "the message's Subject (decoded)", "subject");
    public static readonly FieldDefinition MessageId = new("mail.message_id", FieldType.Text, "the message's Message-ID", "message_id");
    public static readonly FieldDefinition MailFrom = new("mail.from", FieldType.Text, "an address in the message's From header");
    public static readonly FieldDefinition MailTo = new("mail.to", FieldType.Text, "an address in the message's To header");
    public static readonly FieldDefinition MailSize = new("mail.size", FieldType.Size, "the message's size in bytes");
    public static readonly FieldDefinition MailSource = new("mail.source", FieldType.Text, "where a message was seen: smtp or imap");
    public static readonly FieldDefinition Attachment = new("mail.attachment", FieldType.Text, "the file name of an attachment", "attachment");
    public static readonly FieldDefinition MailLatency = new("mail.latency", FieldType.Duration, "end of SMTP DATA to the first IMAP download of the same mail");

    public static readonly FieldDefinition ImapUser = new("imap.user", FieldType.Text, "the user an IMAP client logged in as");
    public static readonly FieldDefinition ImapCommand = new("imap.command", FieldType.Text, "an IMAP command name (FETCH, SELECT…)");
    public static readonly FieldDefinition ImapMailbox = new("imap.mailbox", FieldType.Text, "the mailbox selected when the command ran", "mailbox");
    public static readonly FieldDefinition ImapStatus = new("imap.status", FieldType.Text, "the tagged response: OK, NO or BAD");

    public static readonly FieldDefinition Latency = new("latency", FieldType.Duration, "a command's latency: sent to its reply");

    public static readonly FieldDefinition AnomalyKind = new("anomaly.kind", FieldType.Text, "the anomaly's kind", "kind");
    public static readonly FieldDefinition AnomalySource = new("anomaly.source", FieldType.Text, "what reported the anomaly (tcp, http, smtp…)");
    public static readonly FieldDefinition AnomalyDetail = new("anomaly.detail", FieldType.Text, "the anomaly's detail text", "detail");

    /// <summary>Every field, in the order LANGUAGE.md lists them.</summary>
    public static IReadOnlyList<FieldDefinition> All { get; } =
    [
        Time, Flow, Capture, Protocol, Client, Server, ClientIp, ClientPort, ServerIp, ServerPort, HandshakeRtt, Bytes, Packets, CloseReason,
        HttpMethod, HttpUri, HttpHost, HttpStatus, HttpVersion, HttpTtfb, HttpTime, HttpSize, HttpRequestSize, HttpContentType, HttpReferer,
        HttpCookie, HttpSetCookie, HttpRevalidation,
        CookieName, CookieValue, CookieDirection, CookieDomain,
        SmtpFrom, SmtpTo, SmtpHelo, SmtpUser, Subject, MessageId, MailFrom, MailTo, MailSize, MailSource, Attachment, MailLatency,
        ImapUser, ImapCommand, ImapMailbox, ImapStatus, Latency,
        AnomalyKind, AnomalySource, AnomalyDetail,
    ];

    private static readonly Dictionary<string, FieldDefinition> ByName = BuildIndex();

    /// <summary>The field named <paramref name="name"/> or one of its aliases (case-insensitive), or null.</summary>
    public static FieldDefinition? Find(string name) => ByName.GetValueOrDefault(name);

    private static Dictionary<string, FieldDefinition> BuildIndex()
    {
        var index = new Dictionary<string, FieldDefinition>(StringComparer.OrdinalIgnoreCase);
        foreach (FieldDefinition field in All)
        {
            foreach (string name in field.Aliases.Prepend(field.Name))
            {
                if (!index.TryAdd(name, field)) throw new InvalidOperationException($"filter field name '{name}' is defined twice");
            }
        }
        return index;
    }
}
