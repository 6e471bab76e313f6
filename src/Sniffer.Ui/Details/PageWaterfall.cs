using LiteDB;
using Sniffer.Reports.Store;
using Sniffer.Storage;
using Sniffer.Storage.Mapping;

namespace Sniffer.Ui.Details;

/// <summary>
/// The page an HTTP exchange belongs to (HAR calls it a page), drawn as a waterfall across its connections: one
/// row per exchange on one time axis from the page's first packet, with the client port of its connection, so
/// requests the browser sent in parallel over several connections are seen side by side.
/// <para>
/// The rule, from the store alone (a capture has no browser to ask):
/// <list type="number">
/// <item>The page's document is a GET answered 2xx with a text/html body: the exchange itself if it is one, else
/// the latest such exchange from the same client address, at most <see cref="Window"/> earlier, whose URL is the
/// exchange's Referer (the browser sends the document's URL as Referer for what it references).</item>
/// <item>The page is that document and the exchanges from the same client address whose Referer is its URL, sent
/// from the document's start until the same client asks for that URL again or <see cref="Window"/> has passed.</item>
/// </list>
/// Unlike the HAR export's pages, objects fetched without a Referer (curl, wget -p) are not gathered: the page is
/// then the document alone and nothing is drawn. At most <see cref="MaxRows"/> exchanges are drawn.
/// </para>
/// </summary>
internal static class PageWaterfall
{
    public const int MaxRows = 50;

    /// <summary>How long after its document a page may still gather exchanges (and how far back a Referer is looked up).</summary>
    public static readonly long Window = 60L * 1_000_000_000;

    private const int LabelWidth = 30;

    /// <summary>
    /// Exchanges of a window read to find a page's document and its objects. Referer is not indexed, and a page is drawn
    /// whenever the cursor moves, so each lookup reads the window along the time index up to this many rows and tests
    /// them in memory: a browser's page loads within far fewer exchanges than this on all but the busiest links.
    /// </summary>
    private const int MaxCandidates = 500;

    /// <summary>An exchange of a page with its connection's flows document (null when the store has none).</summary>
    public sealed record Row(BsonDocument Exchange, BsonDocument? Flow);

    /// <summary>A page: its URL, its exchanges in the order they were sent, and whether more were left out.</summary>
    public sealed record WebPage(string Url, IReadOnlyList<Row> Rows, bool MoreNotShown);

    public static void Write(DetailWriter writer, BsonDocument exchange, DetailContext context)
    {
        if (Find(exchange, context) is not { Rows.Count: > 1 } page) return;
        var rows = page.Rows.Select(r => (r.Exchange, r.Flow, Phases: Waterfall.PhasesOf(r.Exchange, r.Flow))).ToList();
        List<Waterfall.Phase> measured = rows.SelectMany(r => r.Phases).Where(p => p.IsMeasured).ToList();
        if (measured.Count == 0) return;
        long origin = measured.Min(p => p.StartNs!.Value);
        long end = Waterfall.EndOf(origin, measured);
        int connections = rows.Select(r => r.Exchange.Number(StoredFields.Flow)).Distinct().Count();

        writer.Heading($"Page {Display.Safe(page.Url)}: {rows.Count} exchanges on {connections} connections, {Display.Duration(end - origin)}");
        writer.Own("(its document and the requests from the same client whose Referer names it; ▶ this exchange)");
        writer.Own($"  {"port",5} {"request",-LabelWidth} {"▓ connect █ send ░ wait █ receive",-Waterfall.Width} {"total",9}");
        foreach (var (row, flow, phases) in rows)
        {
            string marker = row["_id"] == exchange["_id"] ? "▶ " : "  ";
            string port = flow?.Number("client_port")?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?";
            long? start = phases.Where(p => p.IsMeasured).Select(p => p.StartNs).Min();
            long? finish = phases.Where(p => p.IsMeasured).Select(p => p.EndNs).Max();
            writer.Own($"{marker}{port,5} {Label(row, page.Url)} {Waterfall.Bar(origin, end, phases)} {Display.Duration(finish - start),9}");
        }
        if (page.MoreNotShown) writer.Own($"… more exchanges of this page not shown (first {MaxRows})");
    }

    /// <summary>The page <paramref name="exchange"/> belongs to by the rule above, or null when it belongs to none.</summary>
    public static WebPage? Find(BsonDocument exchange, DetailContext context)
    {
        int capture = exchange[StoredFields.Capture].AsInt32;
        var flows = new Dictionary<long, BsonDocument?>();
        BsonDocument? FlowOf(BsonDocument record) =>
            record.Number(StoredFields.Flow) is { } id ? flows.TryGetValue(id, out var known) ? known : flows[id] = context.FlowOf(record) : null;
        string? client = FlowOf(exchange)?.Text("client_addr");
        if (client is null) return null;
        bool SameClient(BsonDocument record) => FlowOf(record)?.Text("client_addr") == client;

        BsonDocument? document;
        string url;
        if (IsDocument(exchange))
        {
            (document, url) = (exchange, UrlOf(exchange));
        }
        else if (exchange.Text("referer") is { } referer && Uri.TryCreate(referer, UriKind.Absolute, out Uri? named))
        {
            long time = exchange.Number(StoredFields.Time) ?? 0;
            document = context.During(StoreCollections.Http, time - Window, time, MaxCandidates, newestFirst: true)
                .FirstOrDefault(d => Asks(d, capture, named) && IsDocument(d) && SameClient(d));
            url = referer;
        }
        else return null;
        if (document is null || !Uri.TryCreate(url, UriKind.Absolute, out Uri? address)) return null;

        long from = document.Number(StoredFields.Time) ?? 0;
        IReadOnlyList<BsonDocument> following = context.During(StoreCollections.Http, from, from + Window, MaxCandidates, newestFirst: false);
        // The page ends when the same client loads the document again (a reload starts a new page).
        long until = following.Where(d => d.Number(StoredFields.Time) > from && Asks(d, capture, address) && IsDocument(d) && SameClient(d))
            .Select(d => d.Number(StoredFields.Time)).FirstOrDefault() ?? from + Window;
        List<BsonDocument> found = following
            .Where(d => d.Number(StoredFields.Time) < until && d[StoredFields.Capture].AsInt32 == capture && d.Text("referer") == url && d["_id"] != document["_id"])
            .Where(SameClient).Take(MaxRows).ToList();
        List<Row> rows = [new(document, FlowOf(document)), .. found.Take(MaxRows - 1).Select(d => new Row(d, FlowOf(d)))];
        return new WebPage(url, rows, found.Count >= MaxRows);
    }

    /// <summary>A GET answered 2xx with an HTML body: what a browser loads as a page (HTML's navigation, HAR's page).</summary>
    private static bool IsDocument(BsonDocument exchange) =>
        exchange.Text("method") == "GET"
        && exchange.Number("status") is >= 200 and < 300
        && exchange.Text("response.body.media_type") == "text/html";

    /// <summary>The absolute URL of a request (RFC 9112 §3.2.1: Host and the origin-form target), as a browser names it in Referer.</summary>
    private static string UrlOf(BsonDocument exchange)
    {
        string target = exchange.Text("uri") ?? "/";
        return target.StartsWith('/') ? $"http://{exchange.Text("host")}{target}" : target;
    }

    /// <summary>True when an exchange of the capture asks for <paramref name="url"/> (Host and target as the URL has them).</summary>
    private static bool Asks(BsonDocument exchange, int capture, Uri url) =>
        exchange[StoredFields.Capture].AsInt32 == capture && exchange.Text("host") == url.Authority && exchange.Text("uri") == url.PathAndQuery;

    /// <summary>Method and target, with the host when it is not the page's (a third party), cut to the column.</summary>
    private static string Label(BsonDocument exchange, string pageUrl)
    {
        string host = exchange.Text("host") ?? "";
        string target = exchange.Text("uri") ?? "";
        bool sameHost = Uri.TryCreate(pageUrl, UriKind.Absolute, out Uri? page) && page.Authority == host;
        string label = Display.Safe($"{exchange.Text("method")} {(sameHost ? "" : host)}{target}");
        return label.Length > LabelWidth ? label[..(LabelWidth - 1)] + "…" : label.PadRight(LabelWidth);
    }
}
