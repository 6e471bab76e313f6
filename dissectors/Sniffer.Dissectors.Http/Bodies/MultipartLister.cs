using Sniffer.Dissectors.Http.Records;
using Sniffer.Dissectors.Http.Semantics;

namespace Sniffer.Dissectors.Http.Bodies;

/// <summary>
/// Lists the parts of a multipart body (RFC 2046 §5.1.1, RFC 7578 for form-data) by walking its boundary
/// lines: enough to name each field and file, not a MIME parser.
/// </summary>
internal static class MultipartLister
{
    private const int MaxParts = 1000;

    public static IReadOnlyList<HttpMultipartPart> ListParts(ReadOnlySpan<byte> body, string boundary)
    {
        var parts = new List<HttpMultipartPart>();
        byte[] delimiter = System.Text.Encoding.ASCII.GetBytes("--" + boundary);

        // The first delimiter may open the body or follow a preamble line.
        int at = body.StartsWith(delimiter) ? 0 : IndexOfLineStartDelimiter(body, delimiter);
        while (at >= 0 && parts.Count < MaxParts)
        {
            int afterDelimiter = at + delimiter.Length;
            if (body[afterDelimiter..].StartsWith("--"u8)) break; // close-delimiter
            int lineEnd = body[afterDelimiter..].IndexOf((byte)'\n');
            if (lineEnd < 0) break;
            int partStart = afterDelimiter + lineEnd + 1;
            int next = IndexOfLineStartDelimiter(body[partStart..], delimiter);
            int partEnd = next < 0 ? body.Length : partStart + next;

            ReadOnlySpan<byte> part = body[partStart..partEnd];
            int headersEnd = part.IndexOf("\r\n\r\n"u8) is int crlf and >= 0 ? crlf + 4
                : part.IndexOf("\n\n"u8) is int lf and >= 0 ? lf + 2 : part.Length;
            // The line break before the next delimiter belongs to the delimiter (RFC 2046 §5.1.1).
            int delimiterLineBreak = next < 0 ? 0 : part.EndsWith("\r\n"u8) ? 2 : part.EndsWith("\n"u8) ? 1 : 0;
            ReadOnlySpan<byte> headers = part[..headersEnd];

            string? disposition = Field(headers, "Content-Disposition");
            parts.Add(new HttpMultipartPart(
                disposition is null ? null : HeaderValues.Parameter(disposition, "name", ';'),
                disposition is null ? null : HeaderValues.Parameter(disposition, "filename", ';'),
                Field(headers, "Content-Type"),
                Math.Max(0, part.Length - headersEnd - delimiterLineBreak)));
            at = next < 0 ? -1 : partEnd;
        }
        return parts;
    }

    /// <summary>Index of the delimiter just after a line break, pointing at the delimiter's first dash.</summary>
    private static int IndexOfLineStartDelimiter(ReadOnlySpan<byte> text, ReadOnlySpan<byte> delimiter)
    {
        int searched = 0;
        while (true)
        {
            int found = text[searched..].IndexOf(delimiter);
            if (found < 0) return -1;
            found += searched;
            if (found > 0 && text[found - 1] == (byte)'\n') return found;
            searched = found + 1;
        }
    }

    private static string? Field(ReadOnlySpan<byte> headers, string name)
    {
        foreach (string line in HttpText.Decode(headers).Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon > 0 && line.AsSpan(0, colon).Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return line[(colon + 1)..].Trim();
            }
        }
        return null;
    }
}
