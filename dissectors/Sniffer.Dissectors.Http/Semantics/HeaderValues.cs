using Sniffer.Dissectors.Http.Records;

namespace Sniffer.Dissectors.Http.Semantics;

/// <summary>Reads fields out of a header list: names compare case-insensitively (RFC 9110 §5.1).</summary>
internal static class HeaderValues
{
    public static string? First(IReadOnlyList<HttpHeader> headers, string name)
    {
        foreach (HttpHeader header in headers)
        {
            if (header.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) return header.Value;
        }
        return null;
    }

    public static IEnumerable<string> All(IReadOnlyList<HttpHeader> headers, string name)
    {
        foreach (HttpHeader header in headers)
        {
            if (header.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) yield return header.Value;
        }
    }

    public static bool Has(IReadOnlyList<HttpHeader> headers, string name) => First(headers, name) is not null;

    /// <summary>
    /// The members of a comma-separated list field across all its lines (RFC 9110 §5.3, §5.6.1), lower-cased:
    /// Transfer-Encoding, Content-Encoding, Connection.
    /// </summary>
    public static IReadOnlyList<string> ListTokens(IReadOnlyList<HttpHeader> headers, string name)
    {
        var tokens = new List<string>();
        foreach (string value in All(headers, name))
        {
            foreach (string member in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                // A transfer coding may carry parameters ("chunked;foo=bar" is not used in practice); keep the name.
                int parameters = member.IndexOf(';');
                tokens.Add((parameters < 0 ? member : member[..parameters].TrimEnd()).ToLowerInvariant());
            }
        }
        return tokens;
    }

    /// <summary>Content-Type's media type (lower case, RFC 9110 §8.3.1) and its boundary parameter, if any.</summary>
    public static (string? MediaType, string? Boundary) MediaType(IReadOnlyList<HttpHeader> headers)
    {
        if (First(headers, "Content-Type") is not { } contentType) return (null, null);
        int semicolon = contentType.IndexOf(';');
        string mediaType = (semicolon < 0 ? contentType : contentType[..semicolon]).Trim().ToLowerInvariant();
        string? boundary = semicolon < 0 ? null : Parameter(contentType.AsSpan(semicolon + 1), "boundary", ';');
        return (mediaType, boundary);
    }

    /// <summary>
    /// The value of parameter <paramref name="name"/> in a <paramref name="separator"/>-separated list of
    /// name=value pairs, unquoting a quoted-string (RFC 9110 §5.6.4). Used for media types,
    /// Content-Disposition and Digest credentials.
    /// </summary>
    public static string? Parameter(ReadOnlySpan<char> text, string name, char separator)
    {
        while (!text.IsEmpty)
        {
            text = text.TrimStart();
            int end = text.IndexOf(separator);
            // Only this parameter is searched for its '=': searching the rest of the field for each one cost time
            // quadratic in a field of thousands of parameters without a value (";a;a;a…").
            int equals = (end < 0 ? text : text[..end]).IndexOf('=');
            if (equals < 0)
            {
                if (end < 0) return null;
                text = text[(end + 1)..];
                continue;
            }
            ReadOnlySpan<char> parameterName = text[..equals].Trim();
            text = text[(equals + 1)..].TrimStart();
            string value;
            if (!text.IsEmpty && text[0] == '"')
            {
                var unquoted = new System.Text.StringBuilder();
                int i = 1;
                for (; i < text.Length && text[i] != '"'; i++)
                {
                    if (text[i] == '\\' && i + 1 < text.Length) i++;
                    unquoted.Append(text[i]);
                }
                value = unquoted.ToString();
                text = i < text.Length ? text[(i + 1)..] : default;
                int next = text.IndexOf(separator);
                text = next < 0 ? default : text[(next + 1)..];
            }
            else
            {
                int next = text.IndexOf(separator);
                value = (next < 0 ? text : text[..next]).Trim().ToString();
                text = next < 0 ? default : text[(next + 1)..];
            }
            if (parameterName.Equals(name, StringComparison.OrdinalIgnoreCase)) return value;
        }
        return null;
    }
}
