using System.Text;
using Sniffer.Dissectors.Http.Records;

namespace Sniffer.Dissectors.Http.Semantics;

/// <summary>Reads Authorization / Proxy-Authorization credentials (RFC 9110 §11.4, RFC 7617, RFC 7616, RFC 6750).</summary>
internal static class CredentialParser
{
    public static HttpCredentials? Parse(IReadOnlyList<HttpHeader> headers, bool showSecrets)
    {
        foreach (string headerName in (ReadOnlySpan<string>)["Authorization", "Proxy-Authorization"])
        {
            if (HeaderValues.First(headers, headerName) is { } value) return Parse(headerName, value, showSecrets);
        }
        return null;
    }

    private static HttpCredentials Parse(string headerName, string value, bool showSecrets)
    {
        value = value.Trim();
        int space = value.IndexOf(' ');
        string scheme = space < 0 ? value : value[..space];
        string parameters = space < 0 ? "" : value[(space + 1)..].Trim();
        string? Secret(string secret) => showSecrets ? secret : HttpCredentials.Mask;

        switch (scheme.ToLowerInvariant())
        {
            case "basic":
                // RFC 7617 §2: base64 of user-id ":" password; UTF-8 is the only charset browsers send.
                string decoded = TryDecodeBase64(parameters) ?? "";
                int colon = decoded.IndexOf(':');
                return new HttpCredentials
                {
                    Header = headerName,
                    Scheme = scheme,
                    UserName = colon < 0 ? decoded : decoded[..colon],
                    Secret = colon < 0 ? null : Secret(decoded[(colon + 1)..]),
                };
            case "digest":
                return new HttpCredentials
                {
                    Header = headerName,
                    Scheme = scheme,
                    UserName = HeaderValues.Parameter(parameters, "username", ','),
                    Realm = HeaderValues.Parameter(parameters, "realm", ','),
                };
            default:
                // Bearer (RFC 6750) and unknown schemes: the rest of the field is the secret.
                return new HttpCredentials
                {
                    Header = headerName,
                    Scheme = scheme,
                    Secret = parameters.Length == 0 ? null : Secret(parameters),
                };
        }
    }

    private static string? TryDecodeBase64(string text)
    {
        byte[] buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out int written) ? HttpText.Decode(buffer.AsSpan(0, written)) : null;
    }
}
