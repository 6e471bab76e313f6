using System.Text;

namespace Sniffer.Dissectors.Imap.Parsing;

/// <summary>Reads the user name and secret out of the SASL exchange of an AUTHENTICATE command (RFC 9051 §6.2.2).</summary>
internal static class SaslCredentials
{
    /// <summary>
    /// <paramref name="responses"/> are the client's base64 responses in order, the SASL-IR initial response first
    /// (RFC 4959 §3; "=" stands for an empty one).
    /// </summary>
    public static (string? User, string? Secret) Read(string mechanism, IReadOnlyList<string> responses)
    {
        var decoded = responses.Select(Decode).ToList();
        switch (mechanism.ToUpperInvariant())
        {
            case "PLAIN" when decoded.Count > 0 && decoded[0] is { } plain:
            {
                // RFC 4616 §2: [authzid] NUL authcid NUL passwd.
                string[] fields = plain.Split('\0');
                return fields.Length == 3 ? (fields[1], fields[2]) : (null, null);
            }
            case "LOGIN":
                // draft-murchison-sasl-login: the user name, then the password, each answering a challenge.
                return (decoded.ElementAtOrDefault(0), decoded.ElementAtOrDefault(1));
            case "XOAUTH2" when decoded.Count > 0 && decoded[0] is { } oauth:
            {
                // Google's XOAUTH2: "user=" user ^A "auth=Bearer " token ^A ^A.
                string? user = null, token = null;
                foreach (string field in oauth.Split('\x01'))
                {
                    if (field.StartsWith("user=", StringComparison.Ordinal)) user = field[5..];
                    else if (field.StartsWith("auth=", StringComparison.Ordinal)) token = field[5..];
                }
                return (user, token);
            }
            case "CRAM-MD5" when decoded.Count > 0 && decoded[0] is { } cram:
            {
                // RFC 2195: user SP digest; the digest is no password, but it is replayable within the challenge.
                int space = cram.LastIndexOf(' ');
                return space > 0 ? (cram[..space], cram[(space + 1)..]) : (null, null);
            }
            default:
                return (null, null);
        }
    }

    private static string? Decode(string response)
    {
        if (response == "=") return "";
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(response));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
