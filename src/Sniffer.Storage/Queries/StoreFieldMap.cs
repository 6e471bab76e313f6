using Sniffer.Query;
using Sniffer.Storage.Mapping;
using static Sniffer.Query.FieldCatalogue;

namespace Sniffer.Storage.Queries;

/// <summary>Which filter fields each collection holds, and where (SCHEMA.md and the mail/analysis collections).</summary>
internal static class StoreFieldMap
{
    private static StoredFieldPath.Scalar At(string name) => new(name);

    private static StoredFieldPath.Elements Each(string expression) => new(expression);

    private static readonly (FieldDefinition, StoredFieldPath)[] RecordFields =
    [
        (Time, At(StoredFields.Time)),
        (Flow, At(StoredFields.Flow)),
        (FieldCatalogue.Capture, At(StoredFields.Capture)),
    ];

    private static readonly Dictionary<string, Dictionary<FieldDefinition, StoredFieldPath>> ByCollection = new()
    {
        [StoreCollections.Flows] = Map(
            (Protocol, At("protocol")),
            (Client, At("client")),
            (Server, At("server")),
            (ClientIp, At("client_addr")),
            (ClientPort, At("client_port")),
            (ServerIp, At("server_addr")),
            (ServerPort, At("server_port")),
            (HandshakeRtt, At("handshake_rtt_ns")),
            (Bytes, new StoredFieldPath.Computed("client_bytes", '+', "server_bytes")),
            (Packets, new StoredFieldPath.Computed("client_packets", '+', "server_packets")),
            (CloseReason, At("close_reason"))),
        [StoreCollections.Http] = Map(
            (FieldCatalogue.HttpMethod, At("method")),
            (HttpUri, At("uri")),
            (HttpHost, At("host")),
            (HttpStatus, At("status")),
            (HttpVersion, At("request.version")),
            (HttpTtfb, new StoredFieldPath.Computed("timings.response_start_ns", '-', "timings.request_end_ns")),
            (HttpTime, new StoredFieldPath.Computed("timings.response_end_ns", '-', "timings.request_start_ns")),
            (HttpSize, At("response.body.decoded_len")),
            (HttpRequestSize, At("request.body.decoded_len")),
            (HttpContentType, At("response.body.media_type")),
            (HttpReferer, At("referer")),
            (HttpCookie, Each("MAP($.cookies[*] => @[0])")),
            (HttpSetCookie, Each("$.set_cookies[*].name")),
            (HttpRevalidation, At("caching.revalidation"))),
        [StoreCollections.Cookies] = Map(
            (CookieName, At("name")),
            (CookieValue, At("value")),
            (CookieDirection, At("direction")),
            (CookieDomain, At("domain")),
            (HttpHost, At("host"))),
        [StoreCollections.Anomalies] = Map(
            (AnomalyKind, At("kind")),
            (AnomalySource, At("source")),
            (AnomalyDetail, At("detail"))),
        [StoreCollections.SmtpSessions] = Map(
            (SmtpHelo, At("helo")),
            (SmtpUser, Each("$.auth[*].user"))),
        [StoreCollections.SmtpTransactions] = Map(
            (SmtpFrom, At("mail_from")),
            (SmtpTo, Each("$.recipients[*].address")),
            (Subject, At("subject")),
            (MessageId, At("message_id"))),
        [StoreCollections.Messages] = Map(
            (Subject, At("subject")),
            (MessageId, At("message_id")),
            (MailFrom, Each("$.from[*]")),
            (MailTo, Each("$.to[*]")),
            (MailSize, At("size")),
            (MailSource, At("source")),
            (Attachment, Each("$.attachments[*].file_name"))),
        [StoreCollections.ImapSessions] = Map(
            (ImapUser, At("user"))),
        [StoreCollections.ImapCommands] = Map(
            (ImapCommand, At("command")),
            (ImapUser, At("user")),
            (ImapMailbox, At("mailbox")),
            (ImapStatus, At("status")),
            (Latency, At("latency_ns"))),
        [StoreCollections.ImapTransfers] = Map(
            (ImapMailbox, At("folder")),
            (Subject, At("subject")),
            (MessageId, At("message_id")),
            (MailSize, At("size"))),
        [StoreCollections.MailPaths] = Map(
            (Subject, At("subject")),
            (MessageId, At("message_id")),
            (MailLatency, At("latency_ns"))),
    };

    private static Dictionary<FieldDefinition, StoredFieldPath> Map(params (FieldDefinition Field, StoredFieldPath Path)[] fields) =>
        RecordFields.Concat(fields).ToDictionary(f => f.Item1, f => f.Item2);

    public static IReadOnlyDictionary<FieldDefinition, StoredFieldPath>? For(string collection) => ByCollection.GetValueOrDefault(collection);
}
