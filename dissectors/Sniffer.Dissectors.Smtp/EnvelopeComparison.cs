using Sniffer.Dissectors.Mail;
using Sniffer.Dissectors.Smtp.Records;

namespace Sniffer.Dissectors.Smtp;

/// <summary>
/// The envelope (MAIL FROM, RCPT TO) is what the servers deliver by; the header (From:, To:, Cc:) is what the
/// reader sees (RFC 5321 §2.3.1, RFC 5322 §3.6). Where they disagree there is a reason worth showing: blind
/// copies, forwarding or list expansion, or a From: the sender is not.
/// </summary>
internal static class EnvelopeComparison
{
    public static IReadOnlyList<string> Compare(SmtpTransaction transaction, MailMessage message)
    {
        var differences = new List<string>();
        if (message.Summary.Body is null) return differences;
        var headerRecipients = new HashSet<string>(message.To.Concat(message.Cc).Select(a => a.Address), StringComparer.OrdinalIgnoreCase);
        // Refused recipients are not part of the envelope the message travels with.
        var envelopeRecipients = new HashSet<string>(
            transaction.Recipients.Where(r => r.Reply is not { IsPositive: false }).Select(r => r.Address), StringComparer.OrdinalIgnoreCase);

        // The null reverse-path is a bounce (RFC 5321 §4.5.5): it never matches From: and says nothing about spoofing.
        if (transaction.MailFrom.Length > 0 && message.From.Count > 0
            && !message.From.Any(a => a.Address.Equals(transaction.MailFrom, StringComparison.OrdinalIgnoreCase)))
        {
            differences.Add($"MAIL FROM {transaction.MailFrom} is not the From: {string.Join(", ", message.From.Select(a => a.Address))} (relay, list, or spoofed sender)");
        }
        foreach (string recipient in envelopeRecipients.Where(r => !headerRecipients.Contains(r)))
        {
            differences.Add($"RCPT TO {recipient} is in neither To: nor Cc: (Bcc or forwarding)");
        }
        foreach (string recipient in headerRecipients.Where(r => !envelopeRecipients.Contains(r)))
        {
            differences.Add($"{recipient} is in the header but not in this envelope (delivered by another transaction or not at all)");
        }
        return differences;
    }
}
