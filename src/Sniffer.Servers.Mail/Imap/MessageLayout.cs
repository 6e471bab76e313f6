using MimeKit;

namespace Sniffer.Servers.Mail;

/// <summary>
/// A message as MimeKit parsed it, with the byte offsets of its header, body and every MIME part in the stored bytes,
/// so IMAP sections (RFC 3501 §6.4.5) are cut out of the bytes exactly as received rather than re-serialised.
/// </summary>
internal sealed class MessageLayout
{
    private MessageLayout(MimeMessage message, long begin, long headersEnd, long end, PartLayout body)
    {
        Message = message;
        Begin = begin;
        HeadersEnd = headersEnd;
        End = end;
        Body = body;
    }

    public MimeMessage Message { get; }

    /// <summary>Offset of the first header byte.</summary>
    public long Begin { get; }

    /// <summary>Offset just past the blank line that ends the header: where the body (RFC 3501 TEXT) starts.</summary>
    public long HeadersEnd { get; }

    public long End { get; }

    /// <summary>The message's top-level body part.</summary>
    public PartLayout Body { get; }

    /// <summary>Parses stored bytes; bytes MimeKit cannot read as a message become one headerless text/plain body.</summary>
    public static MessageLayout Parse(byte[] raw)
    {
        var entities = new Dictionary<MimeEntity, MimeEntityEndEventArgs>(ReferenceEqualityComparer.Instance);
        var messages = new Dictionary<MimeMessage, MimeMessageEndEventArgs>(ReferenceEqualityComparer.Instance);
        var parser = new MimeParser(new MemoryStream(raw, writable: false), MimeFormat.Entity);
        parser.MimeEntityEnd += (_, e) => entities[e.Entity] = e;
        parser.MimeMessageEnd += (_, e) => messages[e.Message] = e;
        MimeMessage message;
        try
        {
            message = parser.ParseMessage();
        }
        catch (FormatException)
        {
            var text = new TextPart("plain");
            var fallback = new MimeMessage { Body = text };
            return new MessageLayout(fallback, 0, 0, raw.Length, new PartLayout(text, 0, 0, raw.Length, raw.Count(b => b == (byte)'\n'), [], null));
        }
        return Build(message, messages, entities);
    }

    private static MessageLayout Build(MimeMessage message, Dictionary<MimeMessage, MimeMessageEndEventArgs> messages, Dictionary<MimeEntity, MimeEntityEndEventArgs> entities)
    {
        MimeMessageEndEventArgs offsets = messages[message];
        PartLayout body = message.Body is { } entity && entities.ContainsKey(entity)
            ? BuildPart(entity, messages, entities)
            : new PartLayout(new TextPart("plain"), offsets.HeadersEndOffset, offsets.HeadersEndOffset, offsets.EndOffset, 0, [], null);
        return new MessageLayout(message, offsets.BeginOffset, offsets.HeadersEndOffset, offsets.EndOffset, body);
    }

    private static PartLayout BuildPart(MimeEntity entity, Dictionary<MimeMessage, MimeMessageEndEventArgs> messages, Dictionary<MimeEntity, MimeEntityEndEventArgs> entities)
    {
        MimeEntityEndEventArgs offsets = entities[entity];
        List<PartLayout> children = entity is Multipart multipart ? multipart.Select(child => BuildPart(child, messages, entities)).ToList() : [];
        MessageLayout? embedded = entity is MessagePart { Message: not null } part ? Build(part.Message, messages, entities) : null;
        return new PartLayout(entity, offsets.BeginOffset, offsets.HeadersEndOffset, offsets.EndOffset, offsets.Lines, children, embedded);
    }

    /// <summary>
    /// Finds the part a section's part numbers name (RFC 3501 §6.4.5): the parts of a multipart are numbered from 1,
    /// a message whose body is not multipart has just part 1 (its body), and a message/rfc822 part's sub-parts are
    /// the parts of the message it carries. Null when there is no such part.
    /// </summary>
    public PartLayout? Find(IReadOnlyList<int> partNumbers)
    {
        PartLayout? current = null;
        foreach (int number in partNumbers)
        {
            IReadOnlyList<PartLayout>? scope = current is null ? PartsOf(Body)
                : current.Children.Count > 0 ? current.Children
                : current.Embedded is { } embedded ? PartsOf(embedded.Body)
                : null;
            if (scope is null || number < 1 || number > scope.Count) return null;
            current = scope[number - 1];
        }
        return current;

        static IReadOnlyList<PartLayout> PartsOf(PartLayout body) => body.Entity is Multipart ? body.Children : [body];
    }
}

/// <summary>One MIME part: its entity and where its MIME header and body lie in the stored bytes.</summary>
internal sealed record PartLayout(MimeEntity Entity, long Begin, long HeadersEnd, long End, int Lines, IReadOnlyList<PartLayout> Children, MessageLayout? Embedded)
{
    /// <summary>Octets of the body as sent (still transfer-encoded): BODYSTRUCTURE's body-fld-octets.</summary>
    public long BodySize => End - HeadersEnd;
}
