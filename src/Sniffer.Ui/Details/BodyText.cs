using System.Text;
using System.Text.Json;

namespace Sniffer.Ui.Details;

/// <summary>
/// A stored body as readable text: decoded with the charset its Content-Type names (UTF-8 otherwise), JSON
/// pretty-printed, and binary content as a hex dump. The caller escapes the result line by line.
/// </summary>
internal static class BodyText
{
    private const int MaxTextBytes = 64 * 1024;
    private const int MaxHexBytes = 4 * 1024;

    public static string Render(byte[] content, string? contentType)
    {
        (string? mediaType, string? charset) = Parse(contentType);
        if (!LooksLikeText(content, mediaType)) return HexDump(content);
        byte[] shown = content.Length > MaxTextBytes ? content[..MaxTextBytes] : content;
        string text = Decode(shown, charset, out string? note);
        if (mediaType is not null && (mediaType.EndsWith("/json", StringComparison.Ordinal) || mediaType.EndsWith("+json", StringComparison.Ordinal)))
            text = PrettyJson(text) ?? text;
        if (content.Length > MaxTextBytes) text += $"\n… {content.Length - MaxTextBytes:N0} more bytes not shown";
        return note is null ? text : note + "\n" + text;
    }

    /// <summary>"text/html; charset=ISO-8859-1" → ("text/html", "ISO-8859-1"), lower-cased media type.</summary>
    internal static (string? MediaType, string? Charset) Parse(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType)) return (null, null);
        string[] parts = contentType.Split(';');
        string? charset = parts.Skip(1)
            .Select(p => p.Trim())
            .Where(p => p.StartsWith("charset=", StringComparison.OrdinalIgnoreCase))
            .Select(p => p["charset=".Length..].Trim('"', ' '))
            .FirstOrDefault();
        return (parts[0].Trim().ToLowerInvariant(), charset);
    }

    private static bool LooksLikeText(byte[] content, string? mediaType)
    {
        if (mediaType is not null && (mediaType.StartsWith("text/", StringComparison.Ordinal) || mediaType.Contains("json")
            || mediaType.Contains("xml") || mediaType.Contains("javascript") || mediaType == "application/x-www-form-urlencoded"))
            return true;
        // Unlabelled or generic content: text if the first bytes hold no NULs and few other controls.
        ReadOnlySpan<byte> head = content.AsSpan(0, Math.Min(content.Length, 1024));
        int controls = 0;
        foreach (byte b in head)
        {
            if (b == 0) return false;
            if (b < 0x20 && b is not (byte)'\r' and not (byte)'\n' and not (byte)'\t') controls++;
        }
        return controls * 20 < head.Length + 1;
    }

    private static string Decode(byte[] content, string? charset, out string? note)
    {
        note = null;
        if (charset is null) return Encoding.UTF8.GetString(content);
        try
        {
            return Encoding.GetEncoding(charset).GetString(content);
        }
        catch (ArgumentException)
        {
            note = $"(charset {charset} is not available here; shown as UTF-8)";
            return Encoding.UTF8.GetString(content);
        }
    }

    private static string? PrettyJson(string text)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(text);
            return JsonSerializer.Serialize(document.RootElement, new JsonSerializerOptions
            {
                WriteIndented = true,
                Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            });
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The classic layout: offset, 16 bytes in hex, and the printable ASCII beside them.</summary>
    internal static string HexDump(byte[] content)
    {
        var dump = new StringBuilder();
        int length = Math.Min(content.Length, MaxHexBytes);
        for (int offset = 0; offset < length; offset += 16)
        {
            ReadOnlySpan<byte> line = content.AsSpan(offset, Math.Min(16, length - offset));
            dump.Append(offset.ToString("x8")).Append("  ");
            for (int i = 0; i < 16; i++) dump.Append(i < line.Length ? line[i].ToString("x2") + " " : "   ").Append(i == 7 ? " " : "");
            dump.Append(" |");
            foreach (byte b in line) dump.Append(b is >= 0x20 and < 0x7f ? (char)b : '.');
            dump.Append("|\n");
        }
        if (content.Length > length) dump.Append($"… {content.Length - length:N0} more bytes not shown\n");
        return dump.ToString();
    }
}
