namespace Sniffer.Dissectors.Mail;

/// <summary>One mailbox from an address header (groups are flattened into their members), RFC 2047 display names decoded.</summary>
public sealed record MailAddress(string Name, string Address)
{
    public override string ToString() => Name.Length == 0 ? Address : $"{Name} <{Address}>";
}
