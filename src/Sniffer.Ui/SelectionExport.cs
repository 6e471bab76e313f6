using LiteDB;
using Sniffer.Reports.Export;
using Sniffer.Reports.Store;
using Sniffer.Storage;
using Sniffer.Ui.Lists;

namespace Sniffer.Ui;

/// <summary>
/// <c>e</c> in the UI: the selected row's stored content to a file — an HTTP response body, or a mail as .eml —
/// in <c>sniffer-export/</c> under the working folder. Whole-session exports (HAR, pcap, every object) are
/// <c>sniffer export</c>'s job.
/// </summary>
internal static class SelectionExport
{
    /// <summary>The file written, or null when the row has no stored content.</summary>
    public static string? Write(SessionStoreReader reader, ListSource list, BsonDocument row, string workingFolder)
    {
        (string? sha256, string name) = list.Collection switch
        {
            StoreCollections.Http => (row.Text("response.body.sha256"), $"http-{row.Number("capture")}-{row.Number("_id")}.body"),
            StoreCollections.Messages => (row.Text("sha256"), $"mail-{row.Number("capture")}-{row.Number("_id")}.eml"),
            StoreCollections.SmtpTransactions => (row.Text("message_sha256"), $"smtp-{row.Number("capture")}-{row.Number("_id")}.eml"),
            _ => (null, ""),
        };
        if (sha256 is null || reader.GetBody(sha256) is not { } content) return null;
        string path = Path.Combine(OutputFiles.Folder(Path.Combine(workingFolder, "sniffer-export")), SafeFileNames.Sanitise(name));
        using (FileStream file = OutputFiles.Create(path, force: true)) file.Write(content);
        return path;
    }
}
