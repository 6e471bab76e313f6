using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace Sniffer.Servers.Mail;

/// <summary>
/// ENVELOPE and BODYSTRUCTURE (RFC 3501 §7.4.2) from MimeKit's parse of the stored bytes, and the bytes of body
/// sections (RFC 3501 §6.4.5) cut out of the stored message at the offsets MimeKit reported.
/// </summary>
internal static class ImapMessageData
{
    public static void WriteEnvelope(ImapWriter writer, MimeMessage message)
    {
        HeaderList headers = message.Headers;
        Header? from = Find(headers, HeaderId.From);
        writer.Raw("(");
        WriteHeaderValue(writer, Find(headers, HeaderId.Date));
        writer.Raw(" ");
        WriteHeaderValue(writer, Find(headers, HeaderId.Subject));
        writer.Raw(" ");
        WriteAddresses(writer, from);
        writer.Raw(" ");
        // RFC 3501 §7.4.2: an absent or empty Sender or Reply-To is given as From.
        WriteAddresses(writer, NonEmpty(Find(headers, HeaderId.Sender)) ?? from);
        writer.Raw(" ");
        WriteAddresses(writer, NonEmpty(Find(headers, HeaderId.ReplyTo)) ?? from);
        foreach (HeaderId id in (HeaderId[])[HeaderId.To, HeaderId.Cc, HeaderId.Bcc])
        {
            writer.Raw(" ");
            WriteAddresses(writer, Find(headers, id));
        }
        writer.Raw(" ");
        WriteHeaderValue(writer, Find(headers, HeaderId.InReplyTo));
        writer.Raw(" ");
        WriteHeaderValue(writer, Find(headers, HeaderId.MessageId));
        writer.Raw(")");
    }

    /// <summary>BODYSTRUCTURE when <paramref name="extensible"/>, else the non-extensible BODY form.</summary>
    public static void WriteBodyStructure(ImapWriter writer, PartLayout part, bool extensible)
    {
        MimeEntity entity = part.Entity;
        writer.Raw("(");
        if (entity is Multipart && part.Children.Count > 0)
        {
            foreach (PartLayout child in part.Children) WriteBodyStructure(writer, child, extensible);
            writer.Raw(" ").NString(entity.ContentType.MediaSubtype);
            if (extensible)
            {
                writer.Raw(" ");
                WriteParameters(writer, entity.ContentType.Parameters);
                WriteExtension(writer, entity);
            }
            writer.Raw(")");
            return;
        }
        ContentType type = entity.ContentType;
        writer.NString(type.MediaType).Raw(" ").NString(type.MediaSubtype).Raw(" ");
        WriteParameters(writer, type.Parameters);
        writer.Raw(" ");
        WriteHeaderValue(writer, Find(entity.Headers, HeaderId.ContentId));
        writer.Raw(" ");
        WriteHeaderValue(writer, Find(entity.Headers, HeaderId.ContentDescription));
        writer.Raw(" ");
        Header? encoding = Find(entity.Headers, HeaderId.ContentTransferEncoding);
        if (encoding is null) writer.NString("7BIT"); // RFC 2045 §6.1: the default encoding
        else WriteHeaderValue(writer, encoding);
        writer.Raw(" ").Number(part.BodySize);
        if (part.Embedded is { } embedded && type.IsMimeType("message", "rfc822"))
        {
            writer.Raw(" ");
            WriteEnvelope(writer, embedded.Message);
            writer.Raw(" ");
            WriteBodyStructure(writer, embedded.Body, extensible);
            writer.Raw(" ").Number(part.Lines);
        }
        else if (type.IsMimeType("text", "*"))
        {
            writer.Raw(" ").Number(part.Lines);
        }
        if (extensible)
        {
            writer.Raw(" ");
            WriteHeaderValue(writer, Find(entity.Headers, HeaderId.ContentMd5));
            WriteExtension(writer, entity);
        }
        writer.Raw(")");
    }

    /// <summary>
    /// The bytes a section names, or null when the message has no such part. <paramref name="text"/> is "", HEADER,
    /// HEADER.FIELDS, HEADER.FIELDS.NOT, TEXT or MIME; <paramref name="fields"/> the field names of the HEADER.FIELDS forms.
    /// </summary>
    public static ReadOnlyMemory<byte>? Section(StoredMessage message, IReadOnlyList<int> parts, string text, IReadOnlyList<string> fields)
    {
        ReadOnlyMemory<byte> raw = message.Raw;
        if (parts.Count == 0 && text == "") return raw; // BODY[]: the stored bytes, no parse needed
        MessageLayout layout = message.Layout;
        long headerBegin, headersEnd, end;
        if (parts.Count == 0)
        {
            // The whole message: HEADER and TEXT together are BODY[] to the byte.
            (headerBegin, headersEnd, end) = (layout.Begin, layout.HeadersEnd, raw.Length);
        }
        else
        {
            PartLayout? part = layout.Find(parts);
            if (part is null) return null;
            if (text == "") return Slice(raw, part.HeadersEnd, part.End);
            if (text == "MIME") return Slice(raw, part.Begin, part.HeadersEnd);
            // RFC 3501 §6.4.5: HEADER and TEXT after part numbers apply to a part that is itself a message.
            if (part.Embedded is not { } embedded) return null;
            (headerBegin, headersEnd, end) = (embedded.Begin, embedded.HeadersEnd, embedded.End);
        }
        return text switch
        {
            "" => Slice(raw, headerBegin, end),
            "HEADER" => Slice(raw, headerBegin, headersEnd),
            "TEXT" => Slice(raw, headersEnd, end),
            "HEADER.FIELDS" => HeaderFields(raw.Slice((int)headerBegin, (int)(headersEnd - headerBegin)), fields, keep: true),
            "HEADER.FIELDS.NOT" => HeaderFields(raw.Slice((int)headerBegin, (int)(headersEnd - headerBegin)), fields, keep: false),
            _ => null,
        };
    }

    /// <summary>The header lines whose names are (or are not) listed, each as received, then the blank line (RFC 3501 §6.4.5).</summary>
    private static ReadOnlyMemory<byte> HeaderFields(ReadOnlyMemory<byte> headerBlock, IReadOnlyList<string> fields, bool keep)
    {
        HeaderList headers = HeaderList.Load(new MemoryStream(headerBlock.ToArray(), writable: false));
        var output = new MemoryStream();
        foreach (Header header in headers)
        {
            if (fields.Contains(header.Field, StringComparer.OrdinalIgnoreCase) != keep) continue;
            output.Write(header.RawField);
            output.WriteByte((byte)':');
            output.Write(header.RawValue);
        }
        output.Write("\r\n"u8);
        return output.ToArray();
    }

    private static ReadOnlyMemory<byte> Slice(ReadOnlyMemory<byte> raw, long begin, long end)
    {
        begin = Math.Clamp(begin, 0, raw.Length);
        end = Math.Clamp(end, begin, raw.Length);
        return raw[(int)begin..(int)end];
    }

    /// <summary>Disposition, language and location: the extension data every BODYSTRUCTURE part ends with.</summary>
    private static void WriteExtension(ImapWriter writer, MimeEntity entity)
    {
        writer.Raw(" ");
        if (entity.ContentDisposition is { } disposition)
        {
            writer.Raw("(").NString(disposition.Disposition).Raw(" ");
            WriteParameters(writer, disposition.Parameters);
            writer.Raw(")");
        }
        else
        {
            writer.Raw("NIL");
        }
        writer.Raw(" ");
        string[] languages = (entity.Headers[HeaderId.ContentLanguage] ?? "").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries);
        if (languages.Length == 0) writer.Raw("NIL");
        else
        {
            writer.Raw("(");
            for (int i = 0; i < languages.Length; i++)
            {
                if (i > 0) writer.Raw(" ");
                writer.NString(languages[i]);
            }
            writer.Raw(")");
        }
        writer.Raw(" ");
        WriteHeaderValue(writer, Find(entity.Headers, HeaderId.ContentLocation));
    }

    private static void WriteParameters(ImapWriter writer, ParameterList parameters)
    {
        if (parameters.Count == 0)
        {
            writer.Raw("NIL");
            return;
        }
        writer.Raw("(");
        bool first = true;
        foreach (Parameter parameter in parameters)
        {
            if (!first) writer.Raw(" ");
            first = false;
            writer.NString(parameter.Name).Raw(" ").NString(parameter.Value);
        }
        writer.Raw(")");
    }

    /// <summary>An address list (RFC 3501 §7.4.2): each mailbox as (name adl mailbox host), groups bracketed by NIL hosts.</summary>
    private static void WriteAddresses(ImapWriter writer, Header? header)
    {
        if (header is null || !InternetAddressList.TryParse(ParserOptions.Default, header.RawValue, out InternetAddressList? list) || list.Count == 0)
        {
            writer.Raw("NIL");
            return;
        }
        writer.Raw("(");
        foreach (InternetAddress address in list) WriteAddress(writer, address);
        writer.Raw(")");
    }

    private static void WriteAddress(ImapWriter writer, InternetAddress address)
    {
        switch (address)
        {
            case MailboxAddress mailbox:
                writer.Raw("(");
                WritePhrase(writer, mailbox.Name);
                writer.Raw(" ");
                if (mailbox.Route.Count == 0) writer.Raw("NIL");
                else writer.NString(string.Join(',', mailbox.Route.Select(domain => "@" + domain)));
                writer.Raw(" ").NString(mailbox.LocalPart).Raw(" ").NString(mailbox.Domain).Raw(")");
                break;
            case GroupAddress group:
                writer.Raw("(NIL NIL ").NString(group.Name).Raw(" NIL)");
                foreach (InternetAddress member in group.Members) WriteAddress(writer, member);
                writer.Raw("(NIL NIL NIL NIL)");
                break;
        }
    }

    /// <summary>A display name; one outside ASCII goes back to its RFC 2047 encoded form, as IMAP4rev1 strings are 7-bit.</summary>
    private static void WritePhrase(ImapWriter writer, string? name)
    {
        if (string.IsNullOrEmpty(name)) writer.Raw("NIL");
        else if (Ascii.IsValid(name)) writer.NString(name);
        else writer.NString(Rfc2047.EncodePhrase(Encoding.UTF8, name));
    }

    /// <summary>A header's value as received, unfolded and trimmed (RFC 3501 gives envelope strings undecoded).</summary>
    private static void WriteHeaderValue(ImapWriter writer, Header? header)
    {
        if (header is null)
        {
            writer.Raw("NIL");
            return;
        }
        byte[] unfolded = header.RawValue.Where(b => b is not ((byte)'\r' or (byte)'\n')).ToArray();
        writer.NString(unfolded.AsSpan().Trim(" \t"u8));
    }

    private static Header? Find(HeaderList headers, HeaderId id) => headers.FirstOrDefault(header => header.Id == id);

    private static Header? NonEmpty(Header? header) => header is not null && header.RawValue.AsSpan().Trim(" \t\r\n"u8).Length > 0 ? header : null;
}
