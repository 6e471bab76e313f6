using System.Text.Json;
using Sniffer.Core.Records;
using Sniffer.Dissectors.Http.Records;
using Sniffer.Reports.Har;
using Sniffer.Reports.Store;
using Sniffer.Reports.Text;
using Sniffer.Storage;

namespace Sniffer.Reports.Export;

/// <summary>What an object export wrote.</summary>
public sealed record ObjectExportResult(int Files, long Bytes, int Truncated, int Missing);

/// <summary>
/// HTTP response bodies as files (NetworkMiner's and Wireshark's "Export Objects"): one file per distinct body
/// (SHA-256), named from Content-Disposition's filename (RFC 6266) or the URL path's last segment, made safe by
/// <see cref="SafeFileNames"/>, with a manifest.json listing name, URL, type, size, SHA-256 and whether the store
/// kept only a prefix (its body cap). The bytes come from the store's file storage, decoded (no chunking, no gzip).
/// </summary>
public sealed class ObjectExport(StoreCursor cursor, RecordFilter? filter = null)
{
    public const string ManifestName = "manifest.json";

    private readonly RecordFilter _filter = filter ?? RecordFilter.None;

    public ObjectExportResult Write(string folder, bool force, ExportProgress progress)
    {
        var names = new SafeFileNames(folder);
        names.Reserve(ManifestName);
        using FileStream manifestFile = OutputFiles.Create(Path.Combine(OutputFiles.Folder(folder), ManifestName), force);
        using var manifest = new Utf8JsonWriter(manifestFile, new JsonWriterOptions { Indented = true });
        manifest.WriteStartArray();
        // One file per body: the same logo fetched ten times is one object. The set holds 64-character hashes only.
        var written = new HashSet<string>(StringComparer.Ordinal);
        int files = 0, truncated = 0, missing = 0;
        long bytes = 0;
        foreach (var (stored, flow) in cursor.RecordsWithFlows<HttpTransaction>(StoreCollections.Http, _filter.Required(StoreCollections.Http)))
        {
            HttpTransaction http = stored.Record;
            if (http.Response?.Body is not { } body || !written.Add(body.Sha256)) continue;
            byte[]? content = cursor.Store.GetBody(body.Sha256);
            if (content is null)
            {
                missing++;
                continue;
            }
            string url = HarWriter.Url(http, flow);
            string path = names.Next(WithExtension(FileNameOf(http.Response) ?? Fallback(http), body.MediaType), "index" + ExtensionFor(body.MediaType));
            using (FileStream file = OutputFiles.Create(path, force)) file.Write(content);
            files++;
            bytes += content.Length;
            if (body.ContentTruncated) truncated++;

            manifest.WriteStartObject();
            manifest.WriteString("file", Path.GetFileName(path));
            manifest.WriteString("url", url);
            manifest.WriteString("content_type", http.Response.Headers.FirstOrDefault(h => h.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))?.Value);
            manifest.WriteNumber("size", body.DecodedLength);
            manifest.WriteNumber("stored_bytes", content.Length);
            manifest.WriteString("sha256", body.Sha256);
            manifest.WriteBoolean("truncated", body.ContentTruncated);
            manifest.WriteNumber("capture", stored.Capture);
            manifest.WriteNumber("flow", http.FlowId);
            manifest.WriteString("ts", Figures.Timestamp(http.TimeNs));
            manifest.WriteEndObject();
            progress.Report(() => $"{Figures.Count(files)} objects, {Figures.Bytes(bytes)}");
        }
        manifest.WriteEndArray();
        return new ObjectExportResult(files, bytes, truncated, missing);
    }

    /// <summary>
    /// The filename a Content-Disposition offers (RFC 6266 §4.3): filename* (RFC 8187, UTF-8 percent-encoded) wins
    /// over filename. Only the value is taken; <see cref="SafeFileNames"/> decides what is left of it.
    /// </summary>
    public static string? FileNameOf(HttpResponse response)
    {
        string? disposition = response.Headers.FirstOrDefault(h => h.Name.Equals("Content-Disposition", StringComparison.OrdinalIgnoreCase))?.Value;
        if (disposition is null) return null;
        string? plain = null, extended = null;
        foreach (string parameter in disposition.Split(';').Skip(1))
        {
            int equals = parameter.IndexOf('=');
            if (equals < 0) continue;
            string name = parameter[..equals].Trim(), value = parameter[(equals + 1)..].Trim();
            if (name.Equals("filename*", StringComparison.OrdinalIgnoreCase))
            {
                int quote = value.IndexOf("''", StringComparison.Ordinal);
                extended = Uri.UnescapeDataString(quote < 0 ? value : value[(quote + 2)..]);
            }
            else if (name.Equals("filename", StringComparison.OrdinalIgnoreCase))
            {
                plain = value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1].Replace("\\\"", "\"") : value;
            }
        }
        return extended ?? plain;
    }

    /// <summary>The URL path's last segment, percent-decoded ("/" gives nothing, and the caller falls back to "index").</summary>
    private static string Fallback(HttpTransaction http)
    {
        string target = http.Request?.Target ?? "";
        int end = target.IndexOfAny(['?', '#']);
        string path = end < 0 ? target : target[..end];
        return Uri.UnescapeDataString(path[(path.LastIndexOf('/') + 1)..]);
    }

    /// <summary>A name without an extension ("/form", "/login") gets the one its media type implies, so the file opens.</summary>
    private static string WithExtension(string name, string? mediaType) =>
        Path.HasExtension(name) || name.Length == 0 || ExtensionFor(mediaType) is ".bin" ? name : name + ExtensionFor(mediaType);

    private static string ExtensionFor(string? mediaType) => mediaType switch
    {
        "text/html" => ".html",
        "text/css" => ".css",
        "text/plain" => ".txt",
        "application/json" => ".json",
        "application/javascript" or "text/javascript" => ".js",
        "application/xml" or "text/xml" => ".xml",
        "image/png" => ".png",
        "image/jpeg" => ".jpg",
        "image/gif" => ".gif",
        "image/svg+xml" => ".svg",
        "application/pdf" => ".pdf",
        _ => ".bin",
    };
}
