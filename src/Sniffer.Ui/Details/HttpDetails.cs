using LiteDB;
using Sniffer.Reports.Store;

namespace Sniffer.Ui.Details;

/// <summary>An HTTP exchange: request and response as sent, the decoded body, cookies, caching, a timing waterfall and its page's.</summary>
internal static class HttpDetails
{
    public static string Render(BsonDocument exchange, DetailContext context)
    {
        var writer = new DetailWriter();
        WriteRequest(writer, exchange);
        WriteResponse(writer, exchange);
        WriteBody(writer, context, exchange, "response", "Response body");
        WriteBody(writer, context, exchange, "request", "Request body");
        WriteCookies(writer, exchange);
        WriteTiming(writer, exchange, context.FlowOf(exchange));
        PageWaterfall.Write(writer, exchange, context);
        return writer.ToString();
    }

    private static void WriteRequest(DetailWriter writer, BsonDocument exchange) =>
        WriteMessage(writer, $"Request (exchange {exchange.Number("index")} on flow {exchange.Number("flow")}, {Display.Timestamp(exchange.Number("ts"))})",
            exchange["request"], r => $"{r.Text("method")} {r.Text("target")} {r.Text("version")}", "no request: the capture began after it");

    private static void WriteResponse(DetailWriter writer, BsonDocument exchange)
    {
        foreach (BsonDocument interim in exchange.Documents("interim"))
            WriteMessage(writer, "Interim response", interim, r => $"{r.Number("status")} {r.Text("reason")}", "");
        WriteMessage(writer, "Response", exchange["response"], r => $"{r.Text("version")} {r.Number("status")} {r.Text("reason")}", "no response in the capture");
    }

    /// <summary>A message as it went on the wire: its start line, its headers, and whether the capture held all of it.</summary>
    private static void WriteMessage(DetailWriter writer, string heading, BsonValue message, Func<BsonDocument, string> startLine, string absent)
    {
        writer.Heading(heading);
        if (!message.IsDocument)
        {
            writer.Own($"({absent})");
            return;
        }
        BsonDocument document = message.AsDocument;
        writer.Captured(startLine(document));
        WriteHeaders(writer, document);
        if (document["complete"].IsBoolean && !document["complete"].AsBoolean) writer.Own("(incomplete in the capture)");
    }

    private static void WriteHeaders(DetailWriter writer, BsonDocument message)
    {
        foreach (BsonValue pair in message.Items("headers"))
            writer.Captured($"{pair.AsArray[0].AsString}: {pair.AsArray[1].AsString}");
    }

    private static void WriteBody(DetailWriter writer, DetailContext context, BsonDocument exchange, string side, string title)
    {
        if (!exchange.Get($"{side}.body").IsDocument) return;
        BsonDocument body = exchange.Get($"{side}.body").AsDocument;
        string encodings = body.TextList("encodings");
        writer.Heading($"{title}: {Display.Size(body.Number("decoded_len"))} decoded"
            + (encodings.Length > 0 ? $", {Display.Safe(encodings)} on the wire ({Display.Size(body.Number("wire_len"))})" : "")
            + (body.Flag("truncated") ? $", first {Display.Size(body.Number("stored_len"))} kept" : "")
            + (body.Flag("incomplete") ? ", incomplete" : ""));
        writer.Field("Media type", body.Text("media_type"));
        writer.Field("Decoding error", body.Text("decode_error"));
        writer.Field("SHA-256", body.Text("sha256"));
        byte[]? content = context.Content(body.Text("sha256"));
        if (content is null || content.Length == 0)
        {
            writer.Own("(no content stored)");
            return;
        }
        writer.CapturedLines(BodyText.Render(content, HeaderValue(exchange, side, "Content-Type") ?? body.Text("media_type")));
    }

    private static string? HeaderValue(BsonDocument exchange, string side, string name) =>
        exchange.Get(side).IsDocument
            ? exchange.Get(side).AsDocument.Items("headers").Select(p => p.AsArray)
                .Where(p => p[0].AsString.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(p => p[1].AsString).FirstOrDefault()
            : null;

    private static void WriteCookies(DetailWriter writer, BsonDocument exchange)
    {
        List<BsonValue> sent = exchange.Items("cookies").ToList();
        List<BsonDocument> set = exchange.Documents("set_cookies").ToList();
        if (sent.Count == 0 && set.Count == 0) return;
        writer.Heading("Cookies");
        foreach (BsonValue pair in sent) writer.Captured($"sent  {pair.AsArray[0].AsString}={pair.AsArray[1].AsString}");
        foreach (BsonDocument cookie in set)
        {
            var attributes = new List<string>();
            if (cookie.Text("domain") is { } domain) attributes.Add("Domain=" + domain);
            if (cookie.Text("path") is { } path) attributes.Add("Path=" + path);
            if (cookie.Text("expires") is { } expires) attributes.Add("Expires=" + expires);
            if (cookie.Number("max_age") is { } maxAge) attributes.Add($"Max-Age={maxAge}");
            if (cookie.Flag("secure")) attributes.Add("Secure");
            if (cookie.Flag("http_only")) attributes.Add("HttpOnly");
            if (cookie.Text("same_site") is { } sameSite) attributes.Add("SameSite=" + sameSite);
            writer.Captured($"set   {cookie.Text("name")}={cookie.Text("value")}{string.Concat(attributes.Select(a => "; " + a))}");
        }
    }

    private static void WriteTiming(DetailWriter writer, BsonDocument exchange, BsonDocument? flow)
    {
        long? requestStart = exchange.Number("timings.request_start_ns");
        long? flowStart = flow?.Number("first_ns");
        long? origin = flowStart ?? requestStart;
        if (origin is null) return;
        writer.Heading(flowStart is null ? "Timing (from the first request byte)" : "Timing (from the connection's first packet)");
        Waterfall.Phase[] phases = Waterfall.PhasesOf(exchange, flow);
        foreach (string line in Waterfall.Lines(origin.Value, phases)) writer.Own(line);
        writer.Own($"time to first byte {Display.Duration(phases[2].EndNs - phases[2].StartNs)}, total {Display.Duration(phases[3].EndNs - requestStart)}");
    }
}
