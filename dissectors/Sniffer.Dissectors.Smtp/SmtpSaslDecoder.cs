using System.Text;
using Sniffer.Core.Text;

namespace Sniffer.Dissectors.Smtp;

/// <summary>
/// Reads the user and secret out of the SASL responses a client sends after AUTH (RFC 4954 §4): each response is
/// base64 of the mechanism's own message. Unknown mechanisms and undecodable responses reveal nothing.
/// </summary>
internal static class SmtpSaslDecoder
{
    /// <summary>What one response revealed; <paramref name="step"/> counts the client's responses from 0.</summary>
    public static (string? User, string? Secret) Decode(string mechanism, int step, string response)
    {
        (string? user, string? secret) = DecodeRaw(mechanism, step, response);
        return (user is null ? null : SafeText.Escape(user), secret is null ? null : SafeText.Escape(secret));
    }

    private static (string? User, string? Secret) DecodeRaw(string mechanism, int step, string response)
    {
        if (!TryBase64(response, out string text)) return (null, null);
        switch (mechanism)
        {
            case "PLAIN":
                // RFC 4616 §2: [authzid] NUL authcid NUL passwd.
                string[] fields = text.Split('\0');
                return fields.Length == 3 ? (fields[1], fields[2]) : (null, null);
            case "LOGIN":
                // draft-murchison-sasl-login: the user, then the password, each answering a 334 prompt.
                return step == 0 ? (text, null) : (null, text);
            case "CRAM-MD5":
                // RFC 2195 §2: the user, a space, and the keyed digest of the challenge.
                int space = text.LastIndexOf(' ');
                return space > 0 ? (text[..space], text[(space + 1)..]) : (null, null);
            case "XOAUTH2":
                // Google's XOAUTH2: "user=" user ^A "auth=Bearer " token ^A ^A.
                string? user = null, token = null;
                foreach (string pair in text.Split('\x01', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (pair.StartsWith("user=", StringComparison.Ordinal)) user = pair[5..];
                    else if (pair.StartsWith("auth=", StringComparison.Ordinal)) token = pair[5..];
                }
                return (user, token);
            default:
                return (null, null);
        }
    }

    private static bool TryBase64(string response, out string text)
    {
        text = "";
        var bytes = new byte[response.Length * 3 / 4 + 3];
        if (!Convert.TryFromBase64String(response, bytes, out int written)) return false;
        // Lossy on purpose: the separators (NUL, ^A) survive, and callers escape each field for display.
        text = Encoding.UTF8.GetString(bytes, 0, written);
        return true;
    }
}
