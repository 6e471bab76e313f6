using LiteDB;
using Sniffer.Core.Dissection;
using Sniffer.Reports.Store;
using Sniffer.Storage;
using Sniffer.Ui.Details;
using Terminal.Gui.Drawing;
using Attribute = Terminal.Gui.Drawing.Attribute;

namespace Sniffer.Ui.Lists;

/// <summary>The lists of the UI's tabs, one per collection of the session database (SCHEMA.md names the fields).</summary>
internal static class Lists
{
    private static readonly Scheme Error = new(new Attribute(ColorName16.BrightRed, ColorName16.Black));
    private static readonly Scheme Warning = new(new Attribute(ColorName16.Yellow, ColorName16.Black));
    private static readonly Scheme Redirect = new(new Attribute(ColorName16.Cyan, ColorName16.Black));
    private static readonly Scheme Quiet = new(new Attribute(ColorName16.DarkGray, ColorName16.Black));

    public static readonly ListSource Flows = new("Flows", StoreCollections.Flows,
        [
            ListColumn.Clock(),
            ListColumn.Text("Client", "client"),
            ListColumn.Text("Server", "server"),
            ListColumn.Text("Protocol", "protocol"),
            ListColumn.Duration("RTT", "handshake_rtt_ns"),
            new("Packets", d => Display.Count((d.Number("client_packets") ?? 0) + (d.Number("server_packets") ?? 0)), "($.client_packets + $.server_packets)"),
            ListColumn.Size("To server", "client_bytes"),
            ListColumn.Size("To client", "server_bytes"),
            new("Gaps", d => Gaps(d), "($.client_gap_bytes + $.server_gap_bytes)"),
            ListColumn.Text("Close", "close_reason"),
        ],
        (d, context) => DocumentDetails.Render(d, $"Flow {d.Number("flow")}") + FollowFlow.Dialogue(d, context))
    {
        RowScheme = d => d.Text("close_reason") == nameof(StreamEndReason.Reset) || GapBytes(d) > 0 ? Warning : null,
    };

    public static readonly ListSource Http = new("HTTP", StoreCollections.Http,
        [
            ListColumn.Clock(),
            ListColumn.Text("Method", "method"),
            ListColumn.Text("Host", "host"),
            ListColumn.Text("URI", "uri"),
            ListColumn.Number("Status", "status"),
            ListColumn.Size("Size", "response.body.decoded_len"),
            ListColumn.Between("TTFB", "timings.request_end_ns", "timings.response_start_ns"),
            ListColumn.Between("Total", "timings.request_start_ns", "timings.response_end_ns"),
            new("Cookies", d => CookieCount(d), null),
        ],
        HttpDetails.Render)
    {
        RowScheme = d => d.Number("status") switch
        {
            null => Quiet,
            >= 500 => Error,
            >= 400 => Warning,
            >= 300 => Redirect,
            _ => null,
        },
    };

    public static readonly ListSource Anomalies = new("Anomalies", StoreCollections.Anomalies,
        [
            ListColumn.Clock(),
            ListColumn.Number("Flow", "flow"),
            ListColumn.Text("Source", "source"),
            ListColumn.Text("Kind", "kind"),
            ListColumn.Text("Detail", "detail"),
        ],
        (d, context) => DocumentDetails.Render(d, "Anomaly") + FollowFlow.Dialogue(d, context))
    {
        RowScheme = _ => Warning,
    };

    public static readonly IReadOnlyList<ListSource> Cookies =
    [
        new("cookies sent and set", StoreCollections.Cookies,
            [
                ListColumn.Clock(),
                ListColumn.Text("Dir", "direction"),
                ListColumn.Text("Host", "host"),
                ListColumn.Text("Name", "name"),
                ListColumn.Text("Value", "value"),
                ListColumn.Text("Domain", "domain"),
            ],
            (d, context) => DocumentDetails.Render(d, "Cookie")
                + (d.Number("http") is { } exchange ? HttpOf(exchange, context) : "")),
        new("cookie jars", StoreCollections.CookieJars,
            [
                ListColumn.Text("Client", "client"),
                ListColumn.Text("Domain", "domain"),
                ListColumn.Text("Name", "name"),
                ListColumn.Text("Value", "value"),
                ListColumn.Text("Set by", "set_by"),
                ListColumn.Number("Set", "times_set"),
                ListColumn.Number("Sent back", "times_sent_back"),
                ListColumn.Number("3rd party", "third_party_sends"),
            ],
            (d, _) => DocumentDetails.Render(d, "Cookie in a client's jar")) { DefaultOrder = "$._id" },
        new("tracking identifiers", StoreCollections.TrackingIds,
            [
                ListColumn.Text("Client", "client"),
                ListColumn.Text("Name", "name"),
                ListColumn.Text("Value", "value"),
                ListColumn.Texts("Sent to sites", "receiving_sites"),
                ListColumn.Number("3rd party", "third_party_sends"),
            ],
            (d, _) => DocumentDetails.Render(d, "Identifier seen across sites")) { DefaultOrder = "$._id", RowScheme = _ => Warning },
    ];

    public static readonly IReadOnlyList<ListSource> Mail =
    [
        new("messages", StoreCollections.Messages,
            [
                ListColumn.Clock(),
                ListColumn.Text("Source", "source"),
                ListColumn.Texts("From", "from"),
                ListColumn.Texts("To", "to"),
                ListColumn.Text("Subject", "subject"),
                ListColumn.Size("Size", "size"),
                new("Attach", d => d.Items("attachments").Count() is var n and > 0 ? n.ToString() : "", null),
            ],
            MailDetails.Message),
        new("SMTP transactions", StoreCollections.SmtpTransactions,
            [
                ListColumn.Clock(),
                ListColumn.Text("MAIL FROM", "mail_from"),
                ListColumn.Texts("RCPT TO", "recipients", "address"),
                ListColumn.Text("Subject", "subject"),
                ListColumn.Text("DATA", "data_outcome"),
            ],
            MailDetails.Transaction),
        new("SMTP sessions", StoreCollections.SmtpSessions,
            [
                ListColumn.Clock(),
                ListColumn.Text("HELO", "helo"),
                ListColumn.Texts("AUTH user", "auth", "user"),
                ListColumn.Number("Mails", "transactions"),
                new("STARTTLS", d => d.Flag("starttls") ? "yes" : "", null),
            ],
            (d, context) => FollowFlow.Dialogue(d, context) + DocumentDetails.Render(d, "SMTP session")),
        new("IMAP sessions", StoreCollections.ImapSessions,
            [
                ListColumn.Clock(),
                ListColumn.Text("User", "user"),
                ListColumn.Number("Commands", "commands"),
                ListColumn.Texts("Folders", "folders", "name"),
                ListColumn.Text("State", "final_state"),
            ],
            (d, _) => DocumentDetails.Render(d, "IMAP session")),
        new("IMAP commands", StoreCollections.ImapCommands,
            [
                ListColumn.Clock(),
                ListColumn.Text("Tag", "tag"),
                ListColumn.Text("Command", "command"),
                ListColumn.Text("Arguments", "arguments"),
                ListColumn.Text("Status", "status"),
                ListColumn.Duration("Latency", "latency_ns"),
                ListColumn.Text("Mailbox", "mailbox"),
            ],
            (d, context) => DocumentDetails.Render(d, "IMAP command") + FollowFlow.Dialogue(d, context)),
        new("mail paths (SMTP → IMAP)", StoreCollections.MailPaths,
            [
                ListColumn.Clock(),
                ListColumn.Text("Subject", "subject"),
                ListColumn.Text("Message-ID", "message_id"),
                ListColumn.Text("Sent by", "smtp.client"),
                ListColumn.Duration("Latency", "latency_ns"),
                new("Same bytes", d => d.Flag("identical") ? "yes" : "no", null),
            ],
            (d, _) => DocumentDetails.Render(d, "Path of one mail")),
    ];

    /// <summary>Bytes that never arrived, both directions (a column, and the reason a flow's row is yellow).</summary>
    private static long GapBytes(BsonDocument flow) => (flow.Number("client_gap_bytes") ?? 0) + (flow.Number("server_gap_bytes") ?? 0);

    private static string Gaps(BsonDocument flow) => GapBytes(flow) is var bytes and > 0 ? Display.Size(bytes) : "";

    private static string CookieCount(BsonDocument exchange)
    {
        int sent = exchange.Items("cookies").Count();
        int set = exchange.Items("set_cookies").Count();
        return (sent, set) switch
        {
            (0, 0) => "",
            (_, 0) => $"{sent} sent",
            (0, _) => $"{set} set",
            _ => $"{sent} sent, {set} set",
        };
    }

    private static string HttpOf(long exchangeId, DetailContext context) =>
        context.Find(StoreCollections.Http, LiteDB.Query.EQ("_id", exchangeId), 1) is [var exchange] ? HttpDetails.Render(exchange, context) : "";
}
