using System.Security.Cryptography;
using MimeKit;

namespace Sniffer.Dissectors.Mail;

/// <summary>
/// What an RFC 5322 message says about itself: the originator and destination headers, the trace (Received)
/// chain, identification and the MIME tree. Built by MimeKit's parser; hostile input never throws, it yields a
/// partial summary and a <see cref="Problems"/> entry instead.
/// </summary>
public sealed class MessageSummary
{
    // Nesting beyond this is no mail client's doing; MimeKit stops there instead of recursing on.
    private const int MaxMimeDepth = 32;

    private static readonly ParserOptions Options = CreateOptions();

    public IReadOnlyList<MailAddress> From { get; init; } = [];
    public IReadOnlyList<MailAddress> Sender { get; init; } = [];
    public IReadOnlyList<MailAddress> ReplyTo { get; init; } = [];
    public IReadOnlyList<MailAddress> To { get; init; } = [];
    public IReadOnlyList<MailAddress> Cc { get; init; } = [];
    public IReadOnlyList<MailAddress> Bcc { get; init; } = [];

    /// <summary>The Subject with RFC 2047 encoded words decoded; null when the header is absent.</summary>
    public string? Subject { get; init; }

    public DateTimeOffset? Date { get; init; }

    /// <summary>Message-ID without its angle brackets.</summary>
    public string? MessageId { get; init; }

    public string? InReplyTo { get; init; }

    /// <summary>Received fields, newest (topmost) first, unfolded (RFC 5321 §4.4).</summary>
    public IReadOnlyList<string> Received { get; init; } = [];

    public string? UserAgent { get; init; }
    public string? XMailer { get; init; }

    /// <summary>The root of the MIME tree; null when not even a header section could be parsed.</summary>
    public MailBodyPart? Body { get; init; }

    /// <summary>The leaves a mail client would show as attachments, in tree order.</summary>
    public IReadOnlyList<MailBodyPart> Attachments { get; init; } = [];

    /// <summary>What the parser could not understand, as safe text; empty for a well-formed message.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    public static MessageSummary Parse(ReadOnlyMemory<byte> message) =>
        HeaderSection.HasOverlongHeader(message.Span) ? Unparsed() : Parse(HeaderSection.OpenRead(message));

    private static MessageSummary Unparsed() => new() { Problems = [HeaderSection.OverlongHeaderProblem] };

    private static MessageSummary Parse(MemoryStream message)
    {
        MimeMessage parsed;
        try
        {
            // Persistent: the parts' content stays a window on the message's bytes instead of MimeKit copying each
            // part out (a MemoryBlockStream per part); the bytes outlive the parse, which only reads them.
            parsed = MimeMessage.Load(Options, message, persistent: true);
        }
        catch (Exception e) when (e is FormatException or ParseException or IOException)
        {
            return new MessageSummary { Problems = [Sniffer.Core.Text.SafeText.Escape(e.Message)] };
        }

        var problems = new List<string>();
        if (parsed.Headers.Count == 0) problems.Add("no header fields");
        MailBodyPart? body = parsed.Body is null ? null : Describe(parsed.Body, problems, depth: 0);
        return new MessageSummary
        {
            From = Flatten(parsed.From),
            Sender = parsed.Sender is { } sender ? [Mailbox(sender)] : [],
            ReplyTo = Flatten(parsed.ReplyTo),
            To = Flatten(parsed.To),
            Cc = Flatten(parsed.Cc),
            Bcc = Flatten(parsed.Bcc),
            Subject = parsed.Headers.Contains(HeaderId.Subject) ? parsed.Subject : null,
            Date = parsed.Headers.Contains(HeaderId.Date) && parsed.Date != DateTimeOffset.MinValue ? parsed.Date : null,
            MessageId = parsed.MessageId,
            InReplyTo = parsed.InReplyTo,
            Received = parsed.Headers.Where(h => h.Id == HeaderId.Received).Select(h => Unfold(h.Value)).ToArray(),
            UserAgent = Single(parsed.Headers, "User-Agent"),
            XMailer = Single(parsed.Headers, "X-Mailer"),
            Body = body,
            Attachments = body is null ? [] : body.DescendantsAndSelf().Where(p => p.IsAttachment).ToArray(),
            Problems = problems,
        };
    }

    private static ParserOptions CreateOptions()
    {
        ParserOptions options = ParserOptions.Default.Clone();
        options.MaxMimeDepth = MaxMimeDepth;
        return options;
    }

    private static MailBodyPart Describe(MimeEntity entity, List<string> problems, int depth)
    {
        string contentType = entity.ContentType.MimeType.ToLowerInvariant();
        string? disposition = entity.ContentDisposition?.Disposition?.ToLowerInvariant();
        string? fileName = entity.ContentDisposition?.FileName ?? entity.ContentType.Name;
        switch (entity)
        {
            case Multipart multipart:
                return new MailBodyPart
                {
                    ContentType = contentType,
                    Disposition = disposition,
                    Children = multipart.Select(child => Describe(child, problems, depth + 1)).ToArray(),
                };
            case MessagePart { Message: { } embedded }:
                return new MailBodyPart
                {
                    ContentType = contentType,
                    Disposition = disposition,
                    FileName = fileName,
                    IsAttachment = disposition == "attachment",
                    Children = embedded.Body is null ? [] : [Describe(embedded.Body, problems, depth + 1)],
                };
            case MimePart part:
                (long size, string md5, string sha256) = DecodeAndHash(part, problems);
                return new MailBodyPart
                {
                    ContentType = contentType,
                    Charset = part.ContentType.Charset,
                    Disposition = disposition,
                    FileName = fileName,
                    TransferEncoding = part.Headers[HeaderId.ContentTransferEncoding]?.Trim().ToLowerInvariant() is { Length: > 0 } cte ? cte : null,
                    DecodedSize = size,
                    Md5 = md5,
                    Sha256 = sha256,
                    IsAttachment = disposition == "attachment" || fileName is not null,
                };
            default:
                return new MailBodyPart { ContentType = contentType, Disposition = disposition, FileName = fileName };
        }
    }

    private static (long Size, string Md5, string Sha256) DecodeAndHash(MimePart part, List<string> problems)
    {
        using var sink = new HashingStream();
        try
        {
            part.Content?.DecodeTo(sink);
        }
        catch (Exception e) when (e is FormatException or IOException or InvalidOperationException)
        {
            problems.Add($"{part.ContentType.MimeType}: {Sniffer.Core.Text.SafeText.Escape(e.Message)}");
        }
        return (sink.Length, sink.Md5(), sink.Sha256());
    }

    private static MailAddress[] Flatten(InternetAddressList list) => list.Mailboxes.Select(Mailbox).ToArray();

    private static MailAddress Mailbox(MailboxAddress mailbox) => new(mailbox.Name ?? "", mailbox.Address ?? "");

    private static string? Single(HeaderList headers, string field) => headers[field] is { } value ? Unfold(value) : null;

    private static string Unfold(string value) => value.ReplaceLineEndings(" ").Trim();

    /// <summary>A write-only stream that counts and hashes (MD5 and SHA-256) what MimeKit decodes into it.</summary>
    private sealed class HashingStream : Stream
    {
        private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _length;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public string Md5() => Convert.ToHexStringLower(_md5.GetHashAndReset());

        public string Sha256() => Convert.ToHexStringLower(_sha256.GetHashAndReset());

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _md5.AppendData(buffer);
            _sha256.AppendData(buffer);
            _length += buffer.Length;
        }

        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _md5.Dispose();
                _sha256.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
