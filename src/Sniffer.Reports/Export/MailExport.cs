using LiteDB;
using MimeKit;
using Sniffer.Reports.Store;
using Sniffer.Reports.Text;
using Sniffer.Storage;

namespace Sniffer.Reports.Export;

/// <summary>What a mail export wrote.</summary>
public sealed record MailExportResult(int Messages, int Attachments, int Incomplete, int Missing);

/// <summary>
/// Reconstructed messages (SMTP DATA/BDAT, IMAP FETCH/APPEND) as .eml files, byte for byte as the store kept
/// them (the MD5 of a file is the message's <c>md5</c> unless the store cut it at its cap), named from the subject
/// and the start of the SHA-256 so two mails with one subject do not collide. With attachments, each message's
/// attachments go, decoded, into a folder beside it, parsed with MimeKit.
/// </summary>
public sealed class MailExport(StoreCursor cursor, RecordFilter? filter = null)
{
    private const int HashPrefix = 12;
    private readonly RecordFilter _filter = filter ?? RecordFilter.None;

    public MailExportResult Write(string folder, bool force, bool attachments, ExportProgress progress)
    {
        var names = new SafeFileNames(folder);
        var written = new HashSet<string>(StringComparer.Ordinal);
        int messages = 0, attachmentFiles = 0, incomplete = 0, missing = 0;
        foreach (BsonDocument message in cursor.Documents(StoreCollections.Messages, _filter.Required(StoreCollections.Messages)))
        {
            // A mail sent over SMTP and fetched over IMAP is one message in two records; the file is written once.
            if (message.Text("sha256") is not { } sha256 || !written.Add(sha256)) continue;
            byte[]? raw = cursor.Store.GetBody(sha256);
            if (raw is null)
            {
                missing++;
                continue;
            }
            string stem = SafeFileNames.Sanitise(message.Text("subject"), discardDirectories: false);
            string path = names.Next($"{(stem.Length == 0 ? "message" : stem)} {sha256[..HashPrefix]}.eml", "message.eml");
            using (FileStream file = OutputFiles.Create(path, force)) file.Write(raw);
            messages++;
            if (!message.Flag("complete") || message.Flag("truncated")) incomplete++;
            if (attachments) attachmentFiles += WriteAttachments(raw, Path.ChangeExtension(path, null) + " attachments", force);
            progress.Report(() => $"{Figures.Count(messages)} messages, {Figures.Count(attachmentFiles)} attachments");
        }
        return new MailExportResult(messages, attachmentFiles, incomplete, missing);
    }

    private static int WriteAttachments(byte[] raw, string folder, bool force)
    {
        using var stream = new MemoryStream(raw, writable: false);
        MimeMessage message;
        try
        {
            message = MimeMessage.Load(stream);
        }
        catch (FormatException)
        {
            return 0; // Not parseable as a message (a cut fragment): the .eml is still there.
        }
        List<MimeEntity> parts = message.Attachments.ToList();
        if (parts.Count == 0) return 0;
        var names = new SafeFileNames(folder);
        foreach (MimeEntity part in parts)
        {
            string path = names.Next(part is MimePart named ? named.FileName : null, part is MessagePart ? "attached message.eml" : "attachment.bin");
            using FileStream file = OutputFiles.Create(path, force);
            switch (part)
            {
                case MimePart mime when mime.Content is not null:
                    mime.Content.DecodeTo(file);
                    break;
                case MessagePart attached:
                    attached.Message?.WriteTo(file);
                    break;
            }
        }
        return parts.Count;
    }
}
