namespace Sniffer.Dissectors.Smtp.Records;

/// <summary>
/// One server reply (RFC 5321 §4.2): a three-digit code, and the text of each line; multi-line replies
/// ("250-…" lines closed by "250 …") keep every line. <see cref="EnhancedStatus"/> is the RFC 3463 class.subject.detail
/// that starts the first line's text when the server uses RFC 2034 enhanced status codes.
/// </summary>
public sealed record SmtpReply(int Code, string? EnhancedStatus, IReadOnlyList<string> Lines)
{
    /// <summary>2yz: the command was accepted (RFC 5321 §4.2.1).</summary>
    public bool IsPositive => Code is >= 200 and < 300;

    /// <summary>3yz: more is expected from the client (354 for DATA, 334 for AUTH).</summary>
    public bool IsIntermediate => Code is >= 300 and < 400;

    /// <summary>The code and the final line (which concludes a multi-line reply), as Zeek's smtp.log last_reply shows it.</summary>
    public override string ToString() => Lines.Count == 0 ? Code.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{Code} {Lines[^1]}";
}
