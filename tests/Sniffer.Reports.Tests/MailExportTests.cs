using System.Security.Cryptography;
using LiteDB;
using Sniffer.Reports.Export;
using Sniffer.Reports.Store;
using Sniffer.Storage;
using Sniffer.TestSupport;
using Xunit;

namespace Sniffer.Reports.Tests;

public sealed class MailExportTests
{
    [SharedCapturesFact]
    public void Each_eml_file_has_the_md5_of_its_message_and_attachments_have_theirs()
    {
        using var store = AnalysedStore.FromCapture(RepositoryPaths.Shared("real/smtp-swaks-aiosmtpd.pcap"));
        List<BsonDocument> messages = store.Cursor.Documents(StoreCollections.Messages).ToList();
        Assert.NotEmpty(messages);
        string folder = store.File("mail");

        MailExportResult result = new MailExport(store.Cursor).Write(folder, force: false, attachments: true, ExportProgress.None);

        var distinct = messages.GroupBy(m => m.Text("sha256")).Select(g => g.First()).ToList();
        Assert.Equal(distinct.Count, result.Messages);
        string[] files = Directory.GetFiles(folder, "*.eml");
        Assert.Equal(distinct.Count, files.Length);
        var md5s = files.Select(f => Convert.ToHexStringLower(MD5.HashData(File.ReadAllBytes(f)))).ToHashSet();
        foreach (BsonDocument message in distinct.Where(m => !m.Flag("truncated")))
            Assert.Contains(message.Text("md5")!, md5s);

        // Attachments, decoded from the .eml by MimeKit, hash as the store's MIME tree says.
        var attachmentHashes = Directory.GetDirectories(folder).SelectMany(Directory.GetFiles)
            .Select(f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f)))).ToHashSet();
        List<string> expected = distinct.SelectMany(m => m.Documents("attachments")).Select(a => a.Text("sha256")!).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Count, result.Attachments);
        Assert.All(expected, sha256 => Assert.Contains(sha256, attachmentHashes));
    }

    [Fact]
    public void The_subject_names_the_file_safely_with_the_start_of_its_hash()
    {
        using var store = AnalysedStore.FromFrames(HostileTraffic.Smtp());
        string folder = store.File("mail");

        new MailExport(store.Cursor).Write(folder, force: false, attachments: false, ExportProgress.None);

        string sha256 = store.Cursor.Documents(StoreCollections.Messages).Single().Text("sha256")!;
        string name = Path.GetFileName(Directory.GetFiles(folder).Single());
        Assert.EndsWith($" {sha256[..12]}.eml", name);
        Assert.StartsWith("=HYPERLINK(_http___evil_) _script_alert(1)__script_", name);
        Assert.DoesNotMatch("[\u0000-\u001f/\\\\<>]", name);
        Assert.Throws<ExportException>(() => new MailExport(store.Cursor).Write(folder, force: false, attachments: false, ExportProgress.None));
    }
}
