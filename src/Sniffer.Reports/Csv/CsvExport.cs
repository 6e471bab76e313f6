using System.Text;
using LiteDB;
using Sniffer.Core.Records;
using Sniffer.Reports.Store;
using Sniffer.Reports.Text;
using Sniffer.Storage;
using Sniffer.Storage.Mapping;

namespace Sniffer.Reports.Csv;

/// <summary>One CSV column: captured text is defused (<see cref="CsvText.Captured"/>), figures Sniffer computed are written as they are.</summary>
public sealed record CsvColumn(string Header, Func<BsonDocument, FlowRecord?, string?> Value, bool Captured = true);

/// <summary>One CSV file: a record type, the collection it comes from, and its columns.</summary>
public sealed record CsvTable(string Name, string Collection, IReadOnlyList<CsvColumn> Columns);

/// <summary>
/// Records as CSV, one file per record type (RFC 4180: CRLF line ends, a header line, fields quoted when they
/// hold a comma, quote or line break). Flow-bound rows carry their flow's endpoints, client → server, so a row
/// is read without joining. Rows stream from the store a page at a time.
/// </summary>
public sealed class CsvExport(StoreCursor cursor, RecordFilter? filter = null)
{
    private readonly RecordFilter _filter = filter ?? RecordFilter.None;

    public static IReadOnlyList<CsvTable> Tables { get; } =
    [
        new("flows", StoreCollections.Flows, [
            .. Common, Figure("protocol", "protocol"), Figure("handshake_rtt_ms", d => Ms(d.Number("handshake_rtt_ns"))),
            Figure("client_packets", "client_packets"), Figure("server_packets", "server_packets"),
            Figure("bytes_to_server", "client_bytes"), Figure("bytes_to_client", "server_bytes"),
            Figure("gap_bytes", d => Figures.Number((d.Number("client_gap_bytes") ?? 0) + (d.Number("server_gap_bytes") ?? 0))),
            Figure("retransmissions", d => Figures.Number((d.Number("client_retransmissions") ?? 0) + (d.Number("server_retransmissions") ?? 0))),
            Figure("close_reason", "close_reason"), Figure("mid_stream", d => d.Flag("mid_stream") ? "true" : "false"),
        ]),
        new("http", StoreCollections.Http, [
            .. Common, Figure("index", "index"), Text("method", "method"), Text("host", "host"), Text("uri", "uri"),
            Text("version", "request.version"), Figure("status", "status"), Text("reason", "response.reason"),
            Text("content_type", "response.body.media_type"), Figure("request_body_len", "request.body.decoded_len"),
            Figure("response_body_len", "response.body.decoded_len"), Figure("response_body_sha256", "response.body.sha256"),
            Figure("truncated", d => d.Flag("response.body.truncated") ? "true" : "false"),
            Text("referer", "referer"), Figure("revalidation", "caching.revalidation"),
            Figure("ttfb_ms", d => Ms(d.Number("timings.response_start_ns") - d.Number("timings.request_end_ns"))),
            Figure("transfer_ms", d => Ms(d.Number("timings.response_end_ns") - d.Number("timings.response_start_ns"))),
        ]),
        new("smtp", StoreCollections.SmtpTransactions, [
            .. Common, Text("mail_from", "mail_from"),
            new("rcpt_to", (d, _) => string.Join(" ", d.Documents("recipients").Where(r => r.Flag("accepted")).Select(r => r.Text("address")))),
            new("rcpt_rejected", (d, _) => string.Join(" ", d.Documents("recipients").Where(r => !r.Flag("accepted")).Select(r => r.Text("address")))),
            Text("data_outcome", "data_outcome"), Figure("data_code", "data_code"), Text("message_id", "message_id"),
            Text("subject", "subject"), Figure("message_sha256", "message_sha256"),
        ]),
        new("imap", StoreCollections.ImapSessions, [
            .. Common, Text("user", "user"), Figure("authenticated", d => d.Flag("authenticated") ? "true" : "false"),
            Figure("failed_logins", "failed_logins"), Figure("commands", "commands"), Text("final_state", "final_state"),
            new("folders", (d, _) => string.Join(" ", d.Documents("folders").Select(f => f.Text("name")))),
        ]),
        new("messages", StoreCollections.Messages, [
            .. Common, Text("source", "source"), Text("message_id", "message_id"), Text("subject", "subject"),
            new("from", (d, _) => d.TextList("from", "; ")), new("to", (d, _) => d.TextList("to", "; ")), new("cc", (d, _) => d.TextList("cc", "; ")),
            Text("date", "date"), Figure("size", "size"), Figure("md5", "md5"), Figure("sha256", "sha256"),
            Figure("complete", d => d.Flag("complete") ? "true" : "false"), Figure("truncated", d => d.Flag("truncated") ? "true" : "false"),
            Figure("attachments", d => Figures.Number(d.Items("attachments").Count())),
        ]),
        new("anomalies", StoreCollections.Anomalies, [.. Common, Text("kind", "kind"), Text("source", "source"), Text("detail", "detail")]),
    ];

    /// <summary>Columns every table starts with: time, capture, flow and the flow's endpoints.</summary>
    private static CsvColumn[] Common =>
    [
        Figure("ts", d => d.Number(StoredFields.Time) is { } ns ? Figures.Timestamp(ns) : null),
        Figure("capture", StoredFields.Capture),
        Figure("flow", StoredFields.Flow),
        Figure("client", (_, flow) => flow?.Client),
        Figure("server", (_, flow) => flow?.Server),
    ];

    /// <summary>Writes one table, header line first; returns the rows written.</summary>
    public long Write(CsvTable table, TextWriter output)
    {
        output.Write(string.Join(",", table.Columns.Select(c => CsvText.Field(c.Header))) + "\r\n");
        long rows = 0;
        var line = new StringBuilder();
        foreach (var (document, flow) in cursor.DocumentsWithFlows(table.Collection, _filter.For(table.Collection)))
        {
            line.Clear();
            for (int i = 0; i < table.Columns.Count; i++)
            {
                if (i > 0) line.Append(',');
                CsvColumn column = table.Columns[i];
                string? value = column.Value(document, flow);
                line.Append(column.Captured ? CsvText.Captured(value) : CsvText.Field(value));
            }
            output.Write(line.Append("\r\n"));
            rows++;
        }
        return rows;
    }

    private static CsvColumn Text(string header, string path) => new(header, (d, _) => d.Text(path));

    private static CsvColumn Figure(string header, string path) => new(header, (d, _) => d.Text(path), Captured: false);

    private static CsvColumn Figure(string header, Func<BsonDocument, string?> value) => new(header, (d, _) => value(d), Captured: false);

    private static CsvColumn Figure(string header, Func<BsonDocument, FlowRecord?, string?> value) => new(header, value, Captured: false);

    private static string? Ms(long? nanoseconds) => nanoseconds is { } ns ? (ns / 1_000 / 1_000m).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
}
