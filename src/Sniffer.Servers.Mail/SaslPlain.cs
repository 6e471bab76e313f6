namespace Sniffer.Servers.Mail;

/// <summary>The PLAIN SASL mechanism's message (RFC 4616 §2), shared by SMTP AUTH and IMAP AUTHENTICATE.</summary>
internal static class SaslPlain
{
    /// <summary>
    /// Splits "[authzid] NUL authcid NUL passwd" into login and password; null when malformed. An authorisation
    /// identity other than the login itself is refused, since no user may act for another here.
    /// </summary>
    public static (string Login, string Password)? Split(string message)
    {
        string[] fields = message.Split('\0');
        if (fields.Length != 3 || fields[1].Length == 0) return null;
        if (fields[0].Length > 0 && !string.Equals(fields[0], fields[1], StringComparison.OrdinalIgnoreCase)) return null;
        return (fields[1], fields[2]);
    }
}
