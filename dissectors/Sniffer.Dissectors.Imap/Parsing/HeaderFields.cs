using MimeKit;
using Sniffer.Dissectors.Mail;

namespace Sniffer.Dissectors.Imap.Parsing;

/// <summary>The envelope fields of a header block (a fetched header section or the head of a whole message), read by MimeKit.</summary>
internal sealed record HeaderFields(string? Subject, IReadOnlyList<string> From, IReadOnlyList<string> To, IReadOnlyList<string> Cc, string? Date, string? MessageId)
{
    public static HeaderFields? Read(ReadOnlyMemory<byte> bytes)
    {
        if (bytes.IsEmpty || HeaderSection.HasOverlongHeader(bytes.Span)) return null;
        HeaderList headers;
        try
        {
            using var stream = HeaderSection.OpenRead(bytes);
            headers = HeaderList.Load(stream);
        }
        catch (FormatException)
        {
            return null;
        }
        return new HeaderFields(
            headers[HeaderId.Subject],
            Addresses(headers, HeaderId.From),
            Addresses(headers, HeaderId.To),
            Addresses(headers, HeaderId.Cc),
            headers[HeaderId.Date]?.Trim(),
            headers[HeaderId.MessageId]?.Trim());
    }

    private static IReadOnlyList<string> Addresses(HeaderList headers, HeaderId id)
    {
        var addresses = new List<string>();
        foreach (Header header in headers)
        {
            if (header.Id != id || !InternetAddressList.TryParse(header.Value, out InternetAddressList? list)) continue;
            addresses.AddRange(list.Mailboxes.Select(mailbox => mailbox.Address));
        }
        return addresses;
    }
}
