using System.Text;

namespace Sniffer.Dissectors.Imap.Parsing;

/// <summary>Mailbox names in modified UTF-7 (RFC 3501 §5.1.3): "&amp;" base64 of UTF-16BE with "," for "/", up to "-"; "&amp;-" is "&amp;".</summary>
internal static class ModifiedUtf7
{
    /// <summary>The decoded name, or the name as sent when it is not valid modified UTF-7.</summary>
    public static string Decode(string name)
    {
        if (!name.Contains('&')) return name;
        var decoded = new StringBuilder(name.Length);
        for (int i = 0; i < name.Length; i++)
        {
            if (name[i] != '&')
            {
                decoded.Append(name[i]);
                continue;
            }
            int end = name.IndexOf('-', i + 1);
            if (end < 0) return name;
            if (end == i + 1)
            {
                decoded.Append('&');
                i = end;
                continue;
            }
            string base64 = name[(i + 1)..end].Replace(',', '/');
            base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
            try
            {
                byte[] utf16 = Convert.FromBase64String(base64);
                if (utf16.Length % 2 != 0) return name;
                decoded.Append(Encoding.BigEndianUnicode.GetString(utf16));
            }
            catch (FormatException)
            {
                return name;
            }
            i = end;
        }
        return decoded.ToString();
    }
}
