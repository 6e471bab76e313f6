using System.Reflection;
using System.Text;
using System.Text.Json;
using Sniffer.Core.Records;
using Sniffer.Dissectors.Http.Records;
using Sniffer.Reports.Store;
using Sniffer.Reports.Text;
using Sniffer.Storage;

namespace Sniffer.Reports.Har;

/// <summary>
/// HTTP exchanges of a session database as an HTTP Archive, HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/),
/// which browsers' developer tools import. Written as a stream: the store is read twice, page by page (pages
/// first, then entries), and no more than one entry is held at a time.
/// <para>
/// Timings are capture times at the capture point, in ms: connect is the handshake RTT charged to the first
/// request of a connection (-1 on the others, as a browser reports a reused connection), send/wait/receive
/// come from the first and last bytes of each message; blocked, dns and ssl are not visible in a capture (-1).
/// Custom fields (HAR allows a leading underscore): <c>_sha256</c> of the whole decoded body, <c>_truncated</c>
/// when the store kept only a prefix, <c>_capture</c> and <c>_flow</c> naming the connection in the database.
/// </para>
/// </summary>
public sealed class HarWriter(StoreCursor cursor, RecordFilter? filter = null)
{
    private const double NanosecondsPerMillisecond = 1_000_000.0;
    private readonly RecordFilter _filter = filter ?? RecordFilter.None;

    public void Write(Stream output)
    {
        var pages = new HarPages();
        foreach (var (stored, flow) in Entries()) pages.Observe(stored, Url(stored.Record, flow), StartedNs(stored.Record, flow));

        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartObject("log");
        json.WriteString("version", "1.2");
        json.WriteStartObject("creator");
        json.WriteString("name", "Sniffer");
        json.WriteString("version", typeof(HarWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0");
        json.WriteEndObject();
        json.WriteStartArray("pages");
        foreach (HarPage page in pages.Pages)
        {
            json.WriteStartObject();
            json.WriteString("startedDateTime", Figures.Timestamp(page.StartedNs));
            json.WriteString("id", page.Id);
            json.WriteString("title", page.Url);
            json.WriteStartObject("pageTimings");
            // A capture does not see the browser's DOMContentLoaded nor load events.
            json.WriteNumber("onContentLoad", -1);
            json.WriteNumber("onLoad", -1);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("entries");
        foreach (var (stored, flow) in Entries())
        {
            WriteEntry(json, stored, flow, pages.PageOf(stored));
            json.Flush();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private IEnumerable<(Stored<HttpTransaction> Stored, FlowRecord? Flow)> Entries() =>
        cursor.RecordsWithFlows<HttpTransaction>(StoreCollections.Http, _filter.Required(StoreCollections.Http));

    /// <summary>The handshake RTT, charged to the first exchange of a connection only.</summary>
    private static long? ConnectNs(HttpTransaction http, FlowRecord? flow) => http.Index == 1 ? flow?.HandshakeRttNs : null;

    /// <summary>When a browser would have started the entry: connecting (the handshake) precedes the request.</summary>
    private static long StartedNs(HttpTransaction http, FlowRecord? flow) =>
        (http.Timings.RequestStartNs ?? http.TimeNs) - (ConnectNs(http, flow) ?? 0);

    /// <summary>Milliseconds to the microsecond (the capture's precision at best); an unmeasured phase is 0, as HAR requires a number.</summary>
    private static double Milliseconds(long? nanoseconds) => Math.Round(Math.Max(0, nanoseconds ?? 0) / NanosecondsPerMillisecond, 3);

    /// <summary>The absolute URL of the request (RFC 9112 §3.3 reconstructs it from Host and the origin-form target).</summary>
    public static string Url(HttpTransaction http, FlowRecord? flow)
    {
        string authority = UriText.EscapeAuthority(http.Host ?? (flow is null ? "unknown" : flow.Server));
        return http.Request switch
        {
            { TargetForm: HttpTargetForm.Absolute } request => UriText.Escape(request.Target),
            { TargetForm: HttpTargetForm.Authority } request => "http://" + UriText.EscapeAuthority(request.Target),
            { TargetForm: HttpTargetForm.Asterisk } => $"http://{authority}/*",
            { } request => $"http://{authority}{UriText.Escape(request.Target)}",
            null => $"http://{authority}/",
        };
    }

    private void WriteEntry(Utf8JsonWriter json, Stored<HttpTransaction> stored, FlowRecord? flow, string? pageref)
    {
        HttpTransaction http = stored.Record;
        HttpTimings t = http.Timings;
        double connect = ConnectNs(http, flow) is { } c ? Milliseconds(c) : -1;
        double send = Milliseconds(t.SendNs), wait = Milliseconds(t.WaitNs), receive = Milliseconds(t.ReceiveNs);

        json.WriteStartObject();
        if (pageref is not null) json.WriteString("pageref", pageref);
        json.WriteString("startedDateTime", Figures.Timestamp(StartedNs(http, flow)));
        json.WriteNumber("time", Math.Round(Math.Max(0, connect) + send + wait + receive, 3));
        WriteRequest(json, http, flow);
        WriteResponse(json, http);
        json.WriteStartObject("cache");
        json.WriteEndObject();
        json.WriteStartObject("timings");
        json.WriteNumber("blocked", -1);
        json.WriteNumber("dns", -1);
        json.WriteNumber("connect", connect);
        json.WriteNumber("send", send);
        json.WriteNumber("wait", wait);
        json.WriteNumber("receive", receive);
        json.WriteNumber("ssl", -1);
        json.WriteEndObject();
        if (flow is not null) json.WriteString("serverIPAddress", flow.ServerAddress);
        json.WriteString("connection", http.FlowId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        json.WriteNumber("_capture", stored.Capture);
        json.WriteNumber("_flow", http.FlowId);
        json.WriteEndObject();
    }

    private void WriteRequest(Utf8JsonWriter json, HttpTransaction http, FlowRecord? flow)
    {
        HttpRequest? request = http.Request;
        json.WriteStartObject("request");
        json.WriteString("method", request?.Method ?? "");
        string url = Url(http, flow);
        json.WriteString("url", url);
        json.WriteString("httpVersion", request?.Version ?? "");
        json.WriteStartArray("cookies");
        foreach (HttpCookie cookie in http.Cookies) Pair(json, cookie.Name, cookie.Value);
        json.WriteEndArray();
        Headers(json, request?.Headers ?? []);
        json.WriteStartArray("queryString");
        foreach (var (name, value) in FormFields(QueryOf(request?.Target))) Pair(json, name, value);
        json.WriteEndArray();
        if (request?.Body is { } body) WritePostData(json, request, body);
        json.WriteNumber("headersSize", request is null ? -1 : request.HeaderBytes);
        json.WriteNumber("bodySize", request?.Body?.WireLength ?? 0);
        if (request is null) json.WriteString("comment", "the request was not captured");
        json.WriteEndObject();
    }

    private void WritePostData(Utf8JsonWriter json, HttpRequest request, HttpBody body)
    {
        json.WriteStartObject("postData");
        json.WriteString("mimeType", HeaderValue(request.Headers, "Content-Type") ?? "");
        byte[]? stored = cursor.Store.GetBody(body.Sha256);
        // HAR 1.2: params and text are mutually exclusive; forms are given as params.
        if (body.MediaType == "application/x-www-form-urlencoded" && stored is not null && IsUtf8(stored))
        {
            json.WriteStartArray("params");
            foreach (var (name, value) in FormFields(Encoding.UTF8.GetString(stored))) Pair(json, name, value);
            json.WriteEndArray();
        }
        else if (body.Parts.Count > 0)
        {
            json.WriteStartArray("params");
            foreach (HttpMultipartPart part in body.Parts)
            {
                json.WriteStartObject();
                json.WriteString("name", part.Name ?? "");
                if (part.FileName is not null) json.WriteString("fileName", part.FileName);
                if (part.ContentType is not null) json.WriteString("contentType", part.ContentType);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        else if (stored is not null) WriteText(json, stored);
        json.WriteString("_sha256", body.Sha256);
        if (body.ContentTruncated) json.WriteBoolean("_truncated", true);
        json.WriteEndObject();
    }

    private void WriteResponse(Utf8JsonWriter json, HttpTransaction http)
    {
        HttpResponse? response = http.Response;
        json.WriteStartObject("response");
        json.WriteNumber("status", response?.StatusCode ?? 0);
        json.WriteString("statusText", response?.ReasonPhrase ?? "");
        json.WriteString("httpVersion", response?.Version ?? "");
        json.WriteStartArray("cookies");
        foreach (HttpSetCookie cookie in http.SetCookies)
        {
            json.WriteStartObject();
            json.WriteString("name", cookie.Name);
            json.WriteString("value", cookie.Value);
            if (cookie.Path is not null) json.WriteString("path", cookie.Path);
            if (cookie.Domain is not null) json.WriteString("domain", cookie.Domain);
            if (cookie.ExpiresUnixSeconds is { } expires && expires is > -62135596800 and < 253402300800)
                json.WriteString("expires", Figures.Timestamp(expires * 1_000_000_000));
            json.WriteBoolean("httpOnly", cookie.HttpOnly);
            json.WriteBoolean("secure", cookie.Secure);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        Headers(json, response?.Headers ?? []);
        json.WriteStartObject("content");
        HttpBody? body = response?.Body;
        json.WriteNumber("size", body?.DecodedLength ?? 0);
        if (body is { ContentEncodings.Count: > 0 }) json.WriteNumber("compression", body.DecodedLength - body.EncodedLength);
        json.WriteString("mimeType", response is null ? "" : HeaderValue(response.Headers, "Content-Type") ?? "");
        if (body is not null)
        {
            byte[]? stored = cursor.Store.GetBody(body.Sha256);
            if (stored is not null) WriteText(json, stored);
            json.WriteString("_sha256", body.Sha256);
            if (body.ContentTruncated)
            {
                json.WriteBoolean("_truncated", true);
                json.WriteString("comment", $"text holds the first {stored?.Length ?? 0} bytes the store kept of {body.DecodedLength}");
            }
        }
        json.WriteEndObject();
        json.WriteString("redirectURL", response is null ? "" : HeaderValue(response.Headers, "Location") ?? "");
        json.WriteNumber("headersSize", response is null ? -1 : response.HeaderBytes);
        json.WriteNumber("bodySize", response is null ? -1 : body?.WireLength ?? 0);
        if (response is null) json.WriteString("comment", "no response was captured");
        json.WriteEndObject();
    }

    /// <summary>Text when the bytes are UTF-8, otherwise base64 (HAR 1.2 content.encoding).</summary>
    private static void WriteText(Utf8JsonWriter json, byte[] content)
    {
        if (IsUtf8(content)) json.WriteString("text", Encoding.UTF8.GetString(content));
        else
        {
            json.WriteBase64String("text", content);
            json.WriteString("encoding", "base64");
        }
    }

    /// <summary>Valid UTF-8 without NUL: binary formats almost always contain a NUL or an invalid sequence early.</summary>
    private static bool IsUtf8(byte[] content) => content.AsSpan().IndexOf((byte)0) < 0 && System.Text.Unicode.Utf8.IsValid(content);

    private static void Headers(Utf8JsonWriter json, IReadOnlyList<HttpHeader> headers)
    {
        json.WriteStartArray("headers");
        foreach (HttpHeader header in headers) Pair(json, header.Name, header.Value);
        json.WriteEndArray();
    }

    private static void Pair(Utf8JsonWriter json, string name, string value)
    {
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString("value", value);
        json.WriteEndObject();
    }

    private static string? HeaderValue(IReadOnlyList<HttpHeader> headers, string name) =>
        headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase))?.Value;

    private static string? QueryOf(string? target)
    {
        if (target is null) return null;
        int question = target.IndexOf('?');
        if (question < 0) return null;
        int fragment = target.IndexOf('#', question);
        return fragment < 0 ? target[(question + 1)..] : target[(question + 1)..fragment];
    }

    /// <summary>application/x-www-form-urlencoded pairs (WHATWG URL §5.1): '+' is a space, then percent-decoding.</summary>
    private static IEnumerable<(string Name, string Value)> FormFields(string? encoded)
    {
        if (string.IsNullOrEmpty(encoded)) yield break;
        foreach (string pair in encoded.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = pair.IndexOf('=');
            string name = equals < 0 ? pair : pair[..equals], value = equals < 0 ? "" : pair[(equals + 1)..];
            yield return (Decode(name), Decode(value));
        }
    }

    // Uri.UnescapeDataString leaves malformed escapes as they are rather than throwing.
    private static string Decode(string component) => Uri.UnescapeDataString(component.Replace('+', ' '));
}
