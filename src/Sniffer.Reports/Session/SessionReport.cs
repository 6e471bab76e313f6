using LiteDB;
using Sniffer.Core.Records;
using Sniffer.Dissectors.Http.Records;
using Sniffer.Reports.Store;
using Sniffer.Reports.Text;
using Sniffer.Storage;
using Sniffer.Storage.Mapping;

namespace Sniffer.Reports.Session;

/// <summary>Limits of a session report and the records it covers.</summary>
public sealed record SessionReportOptions
{
    /// <summary>HTTP transactions listed with their waterfall bars; the rest are counted in a note.</summary>
    public int MaxTransactions { get; init; } = 10_000;

    /// <summary>Rows of every other list (cookies, savings, mail, anomalies).</summary>
    public int MaxRows { get; init; } = 1_000;

    /// <summary>Narrows the record lists of each collection (the <c>--filter</c> expression); summaries stay whole.</summary>
    public RecordFilter Filter { get; init; } = RecordFilter.None;
}

/// <summary>
/// The sections of a session report in the order a reader follows the course's ideas: what was captured, how
/// long things took, what caching and persistent connections saved, cookies, the HTTP exchanges, mail, and
/// anomalies. Reads the store page by page and hands each piece to an <see cref="IReportRenderer"/> (HTML,
/// Markdown), so every format shows the same content.
/// </summary>
public sealed class SessionReport(StoreCursor cursor, SessionReportOptions? options = null)
{
    private readonly SessionReportOptions _options = options ?? new SessionReportOptions();
    private SessionStoreReader Store => cursor.Store;

    public void Write(IReportRenderer renderer)
    {
        renderer.Begin("Sniffer session report");
        Overview(renderer);
        Timing(renderer);
        ConditionalGets(renderer);
        PersistentConnections(renderer);
        Cookies(renderer);
        Transactions(renderer);
        Mail(renderer);
        Anomalies(renderer);
        renderer.End();
    }

    private void Overview(IReportRenderer renderer)
    {
        renderer.Section("Capture overview");
        if (_options.Filter.Text is { } filter)
            renderer.Paragraph($"Filter: {filter}. Lists of records that hold its fields show the matching records; other lists are left out. " +
                "Totals, charts and analyses cover the whole database.");
        IReadOnlyList<StoredCapture> captures = Store.Captures();
        renderer.BeginTable(["capture", "source", "first packet", "last packet", "frames", "bytes", "complete"]);
        foreach (StoredCapture capture in captures)
        {
            CaptureTotals? totals = capture.Totals;
            renderer.Row([
                capture.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                capture.Source.Interface is { } device ? $"{device} ({capture.Source.Filter ?? "no filter"})" : capture.Source.Source,
                totals?.FirstPacketNs is { } first ? Figures.Timestamp(first) : "–",
                totals?.LastPacketNs is { } last ? Figures.Timestamp(last) : "–",
                totals?.Counters.GetValueOrDefault("frames") is { } frames ? Figures.Count(frames) : "–",
                totals?.Counters.GetValueOrDefault("captured_bytes") is { } bytes ? Figures.Bytes(bytes) : "–",
                capture.Complete ? "yes" : "no (ingest interrupted: records up to the last committed batch)",
            ]);
        }
        renderer.EndTable();
        renderer.Facts([
            ("TCP flows", Figures.Count(Store.Count(StoreCollections.Flows))),
            ("HTTP transactions", Figures.Count(Store.Count(StoreCollections.Http))),
            ("SMTP mail transactions", Figures.Count(Store.Count(StoreCollections.SmtpTransactions))),
            ("IMAP sessions", Figures.Count(Store.Count(StoreCollections.ImapSessions))),
            ("Mail messages", Figures.Count(Store.Count(StoreCollections.Messages))),
            ("Anomalies", Figures.Count(Store.Count(StoreCollections.Anomalies))),
        ]);

        renderer.Subsection("Protocol mix");
        // Protocols are dissector names, a handful, so the totals fit in memory whatever the number of flows.
        var mix = new SortedDictionary<string, (long Flows, long Packets, long Bytes)>(StringComparer.Ordinal);
        foreach (BsonDocument flow in cursor.Documents(StoreCollections.Flows))
        {
            string protocol = flow.Text("protocol") ?? "(none)";
            var (flows, packets, bytes) = mix.GetValueOrDefault(protocol);
            mix[protocol] = (flows + 1,
                packets + (flow.Number("client_packets") ?? 0) + (flow.Number("server_packets") ?? 0),
                bytes + (flow.Number("client_bytes") ?? 0) + (flow.Number("server_bytes") ?? 0));
        }
        renderer.BeginTable(["protocol", "flows", "packets", "TCP payload"]);
        foreach (var (protocol, totals) in mix)
            renderer.Row([protocol, Figures.Count(totals.Flows), Figures.Count(totals.Packets), Figures.Bytes(totals.Bytes)]);
        renderer.EndTable();
        if (mix.Count > 0) renderer.Bars("TCP payload by protocol", "bytes", mix.Select(p => (p.Key, (double)p.Value.Bytes)).ToList());
    }

    private void Timing(IReportRenderer renderer)
    {
        renderer.Section("Round-trip times and time to first byte");
        List<BsonDocument> timings = Summaries(SummaryKinds.Timing).ToList();
        // One overall summary per capture: counts add up, distributions are shown per capture, histograms (fixed bounds) add up.
        List<BsonDocument> overall = timings.Where(t => t.Text("host") is null).ToList();
        if (overall.Count == 0)
        {
            renderer.Paragraph("This database holds no timing analysis (no HTTP, or written by a Sniffer before schema 2).");
            return;
        }
        renderer.Paragraph("Handshake RTT: SYN → ACK of each connection's three-way handshake at the capture point. " +
            "Time to first byte: last request byte → first response byte, per request.");
        List<(string, string)> facts = [("Connections", Figures.Count(Sum(overall, "connections"))), ("Requests", Figures.Count(Sum(overall, "requests")))];
        foreach (BsonDocument capture in overall)
        {
            string of = overall.Count > 1 ? $" (capture {Figures.Number(capture.Number(StoredFields.Capture))})" : "";
            facts.Add(("Handshake RTT" + of, Distribution(capture, "handshake_rtt")));
            facts.Add(("Time to first byte" + of, Distribution(capture, "time_to_first_byte")));
        }
        renderer.Facts(facts);
        renderer.Histogram("Handshake RTT", Buckets(overall, "handshake_rtt"));
        renderer.Histogram("Time to first byte", Buckets(overall, "time_to_first_byte"));

        List<BsonDocument> hosts = timings.Where(t => t.Text("host") is not null).ToList();
        if (hosts.Count == 0) return;
        renderer.Subsection("Per host");
        renderer.BeginTable(["capture", "host", "connections", "requests", "handshake RTT median", "TTFB median", "TTFB p90", "handshakes saved"]);
        foreach (BsonDocument host in hosts.Take(_options.MaxRows))
        {
            renderer.Row([
                Figures.Number(host.Number(StoredFields.Capture)),
                host.Text("host"),
                Figures.Count(host.Number("connections") ?? 0),
                Figures.Count(host.Number("requests") ?? 0),
                Figures.Milliseconds(host.Number("handshake_rtt.median_ns")),
                Figures.Milliseconds(host.Number("time_to_first_byte.median_ns")),
                Figures.Milliseconds(host.Number("time_to_first_byte.p90_ns")),
                Figures.Count(host.Number("handshakes_saved") ?? 0),
            ]);
        }
        renderer.EndTable(Omitted(hosts.Count, _options.MaxRows, "hosts"));
        renderer.Bars("Median time to first byte per host", "ms",
            hosts.Where(h => h.Number("time_to_first_byte.median_ns") is not null).Take(30)
                .Select(h => (h.Text("host")!, h.Number("time_to_first_byte.median_ns")!.Value / 1e6)).ToList());
    }

    private static string Distribution(BsonDocument summary, string name) =>
        (summary.Number(name + ".count") ?? 0) == 0
            ? "no samples"
            : $"median {Figures.Milliseconds(summary.Number(name + ".median_ns"))}, p90 {Figures.Milliseconds(summary.Number(name + ".p90_ns"))}, " +
              $"min {Figures.Milliseconds(summary.Number(name + ".min_ns"))}, max {Figures.Milliseconds(summary.Number(name + ".max_ns"))} " +
              $"({Figures.Count(summary.Number(name + ".count") ?? 0)} samples)";

    /// <summary>
    /// The histogram of several summaries (their buckets have the same fixed bounds, so counts add up), from its
    /// first to its last non-empty bucket (the 1-2-5 bounds span 1 µs to 10 s).
    /// </summary>
    private static List<(string, long)> Buckets(IEnumerable<BsonDocument> summaries, string name)
    {
        var buckets = new List<(long Bound, long Count)>();
        foreach (BsonDocument summary in summaries)
        {
            var bucketDocuments = summary.Documents(name + ".buckets").ToList();
            for (int i = 0; i < bucketDocuments.Count; i++)
            {
                long count = bucketDocuments[i].Number("count") ?? 0;
                if (i < buckets.Count) buckets[i] = (buckets[i].Bound, buckets[i].Count + count);
                else buckets.Add((bucketDocuments[i].Number("upper_bound_ns") ?? long.MaxValue, count));
            }
        }
        int first = buckets.FindIndex(b => b.Count > 0), last = buckets.FindLastIndex(b => b.Count > 0);
        return first < 0 ? [] : buckets.GetRange(first, last - first + 1).Select(b => (Figures.Bound(b.Bound), b.Count)).ToList();
    }

    private static long Sum(IEnumerable<BsonDocument> documents, string path) => documents.Sum(d => d.Number(path) ?? 0);

    private void ConditionalGets(IReportRenderer renderer)
    {
        renderer.Section("Conditional GET savings");
        List<BsonDocument> summaries = Summaries(SummaryKinds.ConditionalGet).ToList();
        if (summaries.Count == 0)
        {
            renderer.Paragraph("This database holds no conditional-GET analysis.");
            return;
        }
        renderer.Paragraph("A conditional GET (If-None-Match / If-Modified-Since) answered 304 Not Modified carries no body: " +
            "the bytes and transmission time of the object the client already had are saved.");
        renderer.Facts([
            ("Conditional requests", Figures.Count(Sum(summaries, "conditional"))),
            ("Answered 304 Not Modified", Figures.Count(Sum(summaries, "not_modified"))),
            ("Changed (200 again)", Figures.Count(Sum(summaries, "changed"))),
            ("Bytes saved", Figures.Bytes(Sum(summaries, "bytes_saved"))),
            ("Time saved", Figures.Milliseconds(Sum(summaries, "time_saved_ns"))),
            ("304s of unknown saving", Figures.Count(Sum(summaries, "unknown_savings"))),
            ("Cacheable responses without a validator", Figures.Count(Sum(summaries, "cacheable_without_validator"))),
        ]);
        List<BsonDocument> top = summaries.SelectMany(s => s.Documents("top_urls")).OrderByDescending(u => u.Number("bytes_saved") ?? 0).Take(20).ToList();
        if (top.Count > 0)
        {
            renderer.Subsection("Top URLs by bytes saved");
            renderer.BeginTable(["URL", "304s", "bytes saved"]);
            foreach (BsonDocument url in top) renderer.Row([Figures.Cut(url.Text("url")), Figures.Count(url.Number("not_modified") ?? 0), Figures.Bytes(url.Number("bytes_saved"))]);
            renderer.EndTable();
        }
        renderer.Subsection("Each 304");
        RecordTable(renderer, StoreCollections.ConditionalGets, ["time", "client", "URL", "validator", "bytes saved", "time saved", "basis"],
            d => [Time(d), d.Text("client"), Figures.Cut(d.Text("url")), d.Text("validator"), Figures.Bytes(d.Number("bytes_saved")),
                Figures.Milliseconds(d.Number("time_saved_ns")), d.Text("basis")]);
    }

    private void PersistentConnections(IReportRenderer renderer)
    {
        renderer.Section("Persistent connections");
        List<BsonDocument> overall = Summaries(SummaryKinds.Timing).Where(t => t.Text("host") is null).ToList();
        if (overall.Count == 0)
        {
            renderer.Paragraph("This database holds no connection-reuse analysis.");
            return;
        }
        renderer.Paragraph("Non-persistent HTTP pays a TCP handshake (one RTT) per object; a persistent connection pays it once, " +
            "so each further request on it saves a handshake.");
        renderer.Facts([
            ("HTTP connections", Figures.Count(Sum(overall, "connections"))),
            ("Requests", Figures.Count(Sum(overall, "requests"))),
            ("Handshakes saved", Figures.Count(Sum(overall, "handshakes_saved"))),
            ("RTT saved", Figures.Milliseconds(Sum(overall, "rtt_saved_ns"))),
        ]);
        RecordTable(renderer, StoreCollections.ConnectionReuse, ["time", "client", "server", "host", "requests", "handshake RTT", "handshakes saved", "RTT saved"],
            d => [Time(d), d.Text("client"), d.Text("server"), d.Text("host"), Figures.Count(d.Number("requests") ?? 0),
                Figures.Milliseconds(d.Number("handshake_rtt_ns")), Figures.Count(d.Number("handshakes_saved") ?? 0), Figures.Milliseconds(d.Number("rtt_saved_ns"))]);
    }

    private void Cookies(IReportRenderer renderer)
    {
        renderer.Section("Cookies");
        long jars = Store.Count(StoreCollections.CookieJars);
        if (jars == 0 && Store.Count(StoreCollections.TrackingIds) == 0)
        {
            renderer.Paragraph("No cookie jars in this database (no Set-Cookie seen, or written before schema 2).");
            return;
        }
        long thirdParty = Store.Count(StoreCollections.CookieJars, LiteDB.Query.GT("third_party_sends", 0));
        renderer.Paragraph("Each client's cookie jar as the traffic rebuilds it. A cookie sent from a page of another site is a " +
            "third-party cookie; one identifier sent to a host from pages of several sites is a tracking identifier.");
        renderer.Facts([
            ("Cookies in jars", Figures.Count(jars)),
            ("First-party only", Figures.Count(jars - thirdParty)),
            ("Sent in third-party context", Figures.Count(thirdParty)),
            ("Cookies sent that no Set-Cookie explains", Figures.Count(Store.Count(StoreCollections.UnseenCookies))),
            ("Tracking identifiers", Figures.Count(Store.Count(StoreCollections.TrackingIds))),
        ]);
        renderer.Subsection("Cookie jars");
        RecordTable(renderer, StoreCollections.CookieJars, ["client", "domain", "path", "name", "value", "set by", "set", "sent back", "third-party sends", "attributes"],
            d => [d.Text("client"), d.Text("domain"), d.Text("path"), d.Text("name"), Figures.Cut(d.Text("value"), 60), d.Text("set_by"),
                Figures.Count(d.Number("times_set") ?? 0), Figures.Count(d.Number("times_sent_back") ?? 0), Figures.Count(d.Number("third_party_sends") ?? 0),
                string.Join(" ", new[] { d.Flag("secure") ? "Secure" : null, d.Flag("http_only") ? "HttpOnly" : null, d.Text("same_site") is { } s ? "SameSite=" + s : null }.OfType<string>())]);
        renderer.Subsection("Tracking identifiers");
        RecordTable(renderer, StoreCollections.TrackingIds, ["client", "name", "value", "received by", "sent from pages of", "third-party sends"],
            d => [d.Text("client"), d.Text("name"), Figures.Cut(d.Text("value"), 60), d.TextList("receiving_sites"), d.TextList("referring_sites"),
                Figures.Count(d.Number("third_party_sends") ?? 0)]);
    }

    private void Transactions(IReportRenderer renderer)
    {
        renderer.Section("HTTP transactions");
        IReadOnlyList<StoredCapture> captures = Store.Captures();
        long start = captures.Select(c => c.Totals?.FirstPacketNs).Min() ?? 0;
        long end = captures.Select(c => c.Totals?.LastPacketNs).Max() ?? start;
        double span = Math.Max(1, end - start);
        renderer.Paragraph($"Bars on the capture's timeline ({Figures.Milliseconds(end - start)}): connect (handshake RTT, first request on a connection), " +
            "send (request), wait (time to first byte), receive (response).");
        if (!Covered(renderer, StoreCollections.Http)) return;
        renderer.BeginTable(["start", "flow", "#", "method", "host", "URI", "status", "type", "size", "connect", "wait", "receive"], waterfall: true);
        long shown = 0, total = 0;
        foreach (var (stored, flow) in cursor.RecordsWithFlows<HttpTransaction>(StoreCollections.Http, _options.Filter.For(StoreCollections.Http)))
        {
            total++;
            if (shown >= _options.MaxTransactions) continue;
            shown++;
            HttpTransaction http = stored.Record;
            long? connect = http.Index == 1 ? flow?.HandshakeRttNs : null;
            HttpTimings t = http.Timings;
            long requestStart = t.RequestStartNs ?? http.TimeNs;
            renderer.Row([
                Figures.Milliseconds(requestStart - start),
                FlowLabel(stored.Capture, http.FlowId),
                Figures.Number(http.Index),
                http.Request?.Method,
                Figures.Cut(http.Host, 60),
                Figures.Cut(http.Request?.Target),
                http.Response is { } r ? Figures.Number(r.StatusCode) : "–",
                http.Response?.Body?.MediaType,
                Figures.Bytes(http.Response?.Body?.DecodedLength ?? 0),
                Figures.Milliseconds(connect),
                Figures.Milliseconds(t.WaitNs),
                Figures.Milliseconds(t.ReceiveNs),
            ], new WaterfallBar((requestStart - (connect ?? 0) - start) / span, [
                new("connect", (connect ?? 0) / span),
                new("send", (t.SendNs ?? 0) / span),
                new("wait", (t.WaitNs ?? 0) / span),
                new("receive", (t.ReceiveNs ?? 0) / span),
            ]));
        }
        renderer.EndTable(Omitted(total, _options.MaxTransactions, "transactions"));
    }

    private void Mail(IReportRenderer renderer)
    {
        renderer.Section("Mail");
        if (Store.Count(StoreCollections.SmtpTransactions) + Store.Count(StoreCollections.Messages) + Store.Count(StoreCollections.ImapSessions) == 0)
        {
            renderer.Paragraph("No SMTP or IMAP in this database.");
            return;
        }
        renderer.Subsection("SMTP: envelope beside the message header");
        renderer.Paragraph("The envelope (MAIL FROM, RCPT TO) is what the servers deliver by; the header (From:, To:) is what the reader sees. " +
            "They may differ: Bcc recipients, mailing lists, spoofing.");
        RecordTable(renderer, StoreCollections.SmtpTransactions,
            ["time", "flow", "MAIL FROM", "From:", "RCPT TO (accepted)", "To: / Cc:", "refused", "DATA", "Subject:", "differs"],
            d =>
            {
                BsonDocument? message = d.Text("message_sha256") is { } sha
                    ? Store.Documents(StoreCollections.Messages, Page.First(1), LiteDB.Query.EQ("sha256", sha)).FirstOrDefault()
                    : null;
                string accepted = string.Join(", ", d.Documents("recipients").Where(r => r.Flag("accepted")).Select(r => r.Text("address")));
                string headerRecipients = string.Join(", ", new[] { message?.TextList("to"), message?.TextList("cc") }.Where(s => !string.IsNullOrEmpty(s)));
                return [Time(d), FlowOf(d), d.Text("mail_from"), message?.TextList("from"), accepted, headerRecipients,
                    string.Join(", ", d.Documents("recipients").Where(r => !r.Flag("accepted")).Select(r => $"{r.Text("address")} ({r.Number("reply_code")})")),
                    $"{d.Text("data_outcome")} {d.Number("data_code")}".Trim(), d.Text("subject") ?? message?.Text("subject"),
                    message is null ? "" : EnvelopeDiffers(d.Text("mail_from"), message.TextList("from"), accepted, headerRecipients) ? "yes" : "no"];
            });

        renderer.Subsection("Messages");
        RecordTable(renderer, StoreCollections.Messages, ["time", "source", "From:", "To:", "Subject:", "Date:", "size", "attachments", "MD5", "complete"],
            d => [Time(d), d.Text("source"), d.TextList("from"), d.TextList("to"), d.Text("subject"), d.Text("date"), Figures.Bytes(d.Number("size")),
                string.Join(", ", d.Documents("attachments").Select(a => $"{a.Text("file_name") ?? "(unnamed)"} ({Figures.Bytes(a.Number("size"))})")),
                d.Text("md5"), d.Flag("complete") ? "yes" : "no"]);

        renderer.Subsection("IMAP sessions");
        RecordTable(renderer, StoreCollections.ImapSessions, ["time", "flow", "user", "authenticated", "failed logins", "commands", "folders", "final state"],
            d => [Time(d), FlowOf(d), d.Text("user"), d.Flag("authenticated") ? "yes" : "no", Figures.Number(d.Number("failed_logins") ?? 0),
                Figures.Number(d.Number("commands") ?? 0), string.Join(", ", d.Documents("folders").Select(f => f.Text("name"))), d.Text("final_state")]);

        renderer.Subsection("SMTP → IMAP: one mail from submission to retrieval");
        RecordTable(renderer, StoreCollections.MailPaths, ["Subject:", "Message-ID", "SMTP client → server", "IMAP downloads", "latency", "same bytes"],
            d => [d.Text("subject"), d.Text("message_id"), $"{d.Text("smtp.client")} → {d.Text("smtp.server")}",
                string.Join("; ", d.Documents("imap").Select(i => $"{i.Text("client")} ← {i.Text("server")} {i.Text("folder")} UID {i.Number("uid")}")),
                Figures.Milliseconds(d.Number("latency_ns")), d.Flag("identical") ? "yes" : "no"]);
    }

    /// <summary>True when the envelope names another sender or other recipients than the header does.</summary>
    private static bool EnvelopeDiffers(string? mailFrom, string headerFrom, string envelopeTo, string headerTo)
    {
        static bool Mentions(string header, string? address) =>
            address is null || header.Contains(address, StringComparison.OrdinalIgnoreCase);
        return !Mentions(headerFrom, mailFrom) ||
            envelopeTo.Split(", ", StringSplitOptions.RemoveEmptyEntries).Any(a => !Mentions(headerTo, a));
    }

    private void Anomalies(IReportRenderer renderer)
    {
        renderer.Section("Anomalies");
        if (!Covered(renderer, StoreCollections.Anomalies)) return;
        // Kinds are the layers' fixed names (AnomalyKinds and the dissectors' prefixes), so counting them by kind stays small.
        var kinds = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (BsonDocument anomaly in cursor.Documents(StoreCollections.Anomalies, _options.Filter.For(StoreCollections.Anomalies)))
        {
            string kind = anomaly.Text("kind") ?? "";
            kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
        }
        if (kinds.Count == 0)
        {
            renderer.Paragraph("None.");
            return;
        }
        renderer.BeginTable(["kind", "count"]);
        foreach (var (kind, count) in kinds) renderer.Row([kind, Figures.Count(count)]);
        renderer.EndTable();
        RecordTable(renderer, StoreCollections.Anomalies, ["time", "flow", "kind", "source", "detail"],
            d => [Time(d), FlowOf(d), d.Text("kind"), d.Text("source"), Figures.Cut(d.Text("detail"), 200)]);
    }

    private IEnumerable<BsonDocument> Summaries(string kind) =>
        cursor.Documents(StoreCollections.Summaries, LiteDB.Query.EQ("kind", kind));

    /// <summary>A capped table of one collection's documents, narrowed by the filter and <paramref name="where"/>.</summary>
    private void RecordTable(IReportRenderer renderer, string collection, IReadOnlyList<string> headers,
        Func<BsonDocument, IReadOnlyList<string?>> row, BsonExpression? where = null)
    {
        if (!Covered(renderer, collection)) return;
        BsonExpression? filter = _options.Filter.For(collection);
        BsonExpression? condition = Predicates.And(where, filter);
        long total = Store.Count(collection, condition);
        if (total == 0)
        {
            renderer.Paragraph("None.");
            return;
        }
        renderer.BeginTable(headers);
        foreach (BsonDocument document in cursor.Documents(collection, condition).Take(_options.MaxRows)) renderer.Row(row(document));
        renderer.EndTable(Omitted(total, _options.MaxRows, "rows"));
    }

    /// <summary>False, with a line saying so, when the filter leaves the list out.</summary>
    private bool Covered(IReportRenderer renderer, string collection)
    {
        if (_options.Filter.Covers(collection)) return true;
        renderer.Paragraph("Left out by the filter: it names fields these records do not have.");
        return false;
    }

    /// <summary>Flow ids restart with each capture: "7" in the first capture, "2:7" (capture:flow) in the others.</summary>
    private static string FlowLabel(long capture, long flow) =>
        capture == 1 ? Figures.Number(flow) : $"{Figures.Number(capture)}:{Figures.Number(flow)}";

    private static string FlowOf(BsonDocument document) =>
        FlowLabel(document.Number(StoredFields.Capture) ?? 1, document.Number(StoredFields.Flow) ?? 0);

    private static string Time(BsonDocument document) =>
        document.Number(StoredFields.Time) is { } ns ? Figures.Timestamp(ns) : "–";

    private static string? Omitted(long total, long cap, string what) =>
        total > cap ? $"First {Figures.Count(cap)} of {Figures.Count(total)} {what}; the rest are in the database (sniffer report --format csv lists all)." : null;
}
