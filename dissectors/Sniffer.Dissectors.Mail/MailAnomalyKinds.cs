namespace Sniffer.Dissectors.Mail;

/// <summary>Anomaly kinds about messages themselves, shared by the SMTP and IMAP dissectors ("mail_" prefix).</summary>
public static class MailAnomalyKinds
{
    /// <summary>MimeKit could not make sense of (part of) the message; the summary holds what was understood.</summary>
    public const string MalformedMessage = "mail_malformed_message";

    /// <summary>More message bytes than DissectorSettings.MaxMessageBytes: the rest is hashed and counted, not kept.</summary>
    public const string MessageTooLarge = "mail_message_too_large";

    /// <summary>Part of the message was lost to a capture gap.</summary>
    public const string IncompleteMessage = "mail_incomplete_message";
}
