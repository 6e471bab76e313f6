namespace Sniffer.Servers.Mail;

/// <summary>The arguments of MAIL FROM and RCPT TO (RFC 5321 §4.1.1.2–3): a path in angle brackets and its parameters.</summary>
internal static class SmtpPath
{
    /// <summary>
    /// Reads <c>FROM:&lt;a@b&gt; KEY=VALUE…</c> (or <c>TO:</c>). A space after the colon is tolerated, as many clients
    /// send one; a source route (<c>&lt;@relay:a@b&gt;</c>, RFC 5321 §4.1.1.3) is dropped; <c>&lt;&gt;</c> gives "".
    /// </summary>
    public static bool TryParse(string argument, string keyword, out string address, out IReadOnlyList<string> parameters)
    {
        address = "";
        parameters = [];
        if (!argument.StartsWith(keyword, StringComparison.OrdinalIgnoreCase)) return false;
        string rest = argument[keyword.Length..].TrimStart();
        if (!rest.StartsWith('<')) return false;
        int close = rest.IndexOf('>');
        if (close < 0) return false;
        string path = rest[1..close];
        int routeEnd = path.StartsWith('@') ? path.IndexOf(':') : -1;
        if (path.StartsWith('@') && routeEnd < 0) return false;
        address = path[(routeEnd + 1)..];
        if (address.Length > 0 && (address.Contains(' ') || !address.Contains('@') && !address.Equals("postmaster", StringComparison.OrdinalIgnoreCase)))
            return false;
        parameters = rest[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return true;
    }
}
