namespace Sniffer.Dissectors.Smtp.Records;

/// <summary>An RCPT TO of the envelope and how the server answered it.</summary>
public sealed class SmtpRecipient
{
    /// <summary>The forward-path without its angle brackets.</summary>
    public required string Address { get; init; }

    /// <summary>ESMTP parameters after the path (NOTIFY=, ORCPT=…), as sent.</summary>
    public string Parameters { get; init; } = "";

    public SmtpReply? Reply { get; internal set; }

    /// <summary>250/251 accepted (RFC 5321 §3.3); false when rejected or never answered.</summary>
    public bool Accepted => Reply?.IsPositive == true;
}
