using System.CommandLine;
using Sniffer.Core.Records;
using Sniffer.Reports.Export;
using Sniffer.Reports.Store;
using Sniffer.Storage;

namespace Sniffer.Cli.Commands;

/// <summary>
/// <c>sniffer export</c>: take what a session database found elsewhere — HTTP objects as files with a manifest,
/// mails as .eml (and their attachments), or the packets of chosen flows as a pcap for Wireshark.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var databaseArgument = new Argument<FileInfo>("database")
        {
            Description = "A session database (sniffer open)",
        };
        var objectsOption = new Option<DirectoryInfo?>("--objects")
        {
            Description = "Write every distinct HTTP response body into this folder, with manifest.json",
        };
        var mailOption = new Option<DirectoryInfo?>("--mail")
        {
            Description = "Write every reconstructed mail into this folder as an .eml file",
        };
        var attachmentsOption = new Option<bool>("--attachments")
        {
            Description = "With --mail: also write each mail's attachments, decoded, into a folder beside it",
        };
        var pcapOption = new Option<FileInfo?>("--pcap")
        {
            Description = "Write the packets of the flows chosen with --flow to this pcap file (re-read from the original capture)",
        };
        var flowOption = new Option<string[]>("--flow")
        {
            Description = "With --pcap: a flow id, or CAPTURE:FLOW when the database holds several captures (repeatable)",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var forceOption = new Option<bool>("--force")
        {
            Description = "Overwrite files that exist",
        };
        var filterOption = ReportCommand.FilterOption("Only the objects, mails or flows (for --pcap) matching this filter (the UI's filter language)");
        var command = new Command("export", "Export HTTP objects, mails (.eml) or the packets of chosen flows (pcap) from a session database")
        {
            databaseArgument,
            objectsOption,
            mailOption,
            attachmentsOption,
            pcapOption,
            flowOption,
            forceOption,
            filterOption,
        };
        command.SetAction(parse =>
        {
            FileInfo database = parse.GetRequiredValue(databaseArgument);
            DirectoryInfo? objects = parse.GetValue(objectsOption), mail = parse.GetValue(mailOption);
            FileInfo? pcap = parse.GetValue(pcapOption);
            string[] flowIds = parse.GetValue(flowOption) ?? [];
            if (objects is null && mail is null && pcap is null) throw new UsageException("say what to export: --objects DIR, --mail DIR or --pcap FILE");
            RecordFilter filter = ReportCommand.ParseFilter(parse.GetValue(filterOption));
            if (pcap is not null && flowIds.Length == 0 && filter.Text is null) throw new UsageException("--pcap needs the flows to export: --flow ID or --filter EXPR");
            if (pcap is not null && flowIds.Length > 0 && filter.Text is not null) throw new UsageException("choose the flows of --pcap with --flow or with --filter, not both");
            if (pcap is null && flowIds.Length > 0) throw new UsageException("--flow chooses the flows of --pcap");
            RequireCovered(filter, objects is not null, StoreCollections.Http, "--objects exports HTTP bodies");
            RequireCovered(filter, mail is not null, StoreCollections.Messages, "--mail exports messages");
            RequireCovered(filter, pcap is not null, StoreCollections.Flows, "--pcap exports flows");
            if (parse.GetValue(attachmentsOption) && mail is null) throw new UsageException("--attachments goes with --mail");
            if (!database.Exists) throw new FileNotFoundException($"{database.FullName} does not exist");
            bool force = parse.GetValue(forceOption);

            using var reader = SessionStoreReader.Open(database.FullName);
            var cursor = new StoreCursor(reader);
            if (objects is not null)
            {
                using var progress = ExportProgress.OnTerminal();
                ObjectExportResult result = new ObjectExport(cursor, filter).Write(objects.FullName, force, progress);
                Console.WriteLine($"Objects:  {result.Files:N0} files, {result.Bytes:N0} bytes in {objects.FullName} (manifest.json); " +
                    $"{result.Truncated:N0} cut at the store's body cap");
            }
            if (mail is not null)
            {
                using var progress = ExportProgress.OnTerminal();
                MailExportResult result = new MailExport(cursor, filter).Write(mail.FullName, force, parse.GetValue(attachmentsOption), progress);
                Console.WriteLine($"Mail:     {result.Messages:N0} .eml files, {result.Attachments:N0} attachments in {mail.FullName}; " +
                    $"{result.Incomplete:N0} incomplete or cut");
            }
            if (pcap is not null)
            {
                List<Stored<FlowRecord>> flows = filter.Text is null
                    ? flowIds.Select(id => Flow(cursor, id)).ToList()
                    : cursor.Records<FlowRecord>(StoreCollections.Flows, filter.For(StoreCollections.Flows)).ToList();
                using var progress = ExportProgress.OnTerminal();
                PcapExportResult result = new PcapExport(reader).Write(flows, pcap.FullName, force, progress);
                Console.WriteLine($"Pcap:     {result.Frames:N0} of {result.FramesRead:N0} frames in {pcap.FullName}" +
                    (result.OtherLinkTypeFrames > 0 ? $"; {result.OtherLinkTypeFrames:N0} frames of another link type left out" : ""));
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static void RequireCovered(RecordFilter filter, bool exporting, string collection, string what)
    {
        if (exporting && !filter.Covers(collection))
            throw new UsageException($"--filter: {what}, and '{filter.Text}' names fields they do not have");
    }

    /// <summary>"7" (capture 1) or "2:7".</summary>
    private static Stored<FlowRecord> Flow(StoreCursor cursor, string id)
    {
        string[] parts = id.Split(':');
        if (parts.Length > 2 || !parts.All(p => long.TryParse(p, out _))) throw new UsageException($"--flow {id}: expected FLOW or CAPTURE:FLOW");
        int capture = parts.Length == 2 ? int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) : 1;
        long flow = long.Parse(parts[^1], System.Globalization.CultureInfo.InvariantCulture);
        FlowRecord record = cursor.Flow(capture, flow) ?? throw new ExportException($"flow {flow} of capture {capture} is not in the database");
        return new Stored<FlowRecord>(0, capture, record);
    }
}
