using System.CommandLine;
using Sniffer.Core.Dissection;
using Sniffer.Core.Records;
using Sniffer.Engine;
using Sniffer.Storage;
using Sniffer.Storage.Reports;

namespace Sniffer.Cli.Commands;

/// <summary>
/// <c>sniffer report</c>: flows, HTTP transactions and anomalies as JSON lines or one JSON document, from a
/// session database or straight from a capture analysed in memory (no database file is written).
/// The fields are described in src/Sniffer.Storage/SCHEMA.md.
/// </summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var inputArgument = new Argument<FileInfo>("input")
        {
            Description = "A session database (sniffer open) or a capture file",
        };
        var formatOption = new Option<ReportFormat>("--format", "-F")
        {
            Description = "ndjson: one record per line; json: one document",
            DefaultValueFactory = _ => ReportFormat.Ndjson,
        };
        var outputOption = new Option<FileInfo?>("--output", "-o")
        {
            Description = "Write the report to this file instead of standard output",
        };
        var analysis = new AnalysisOptions();
        var command = new Command("report", "Write flows, HTTP transactions and anomalies as NDJSON or JSON")
        {
            inputArgument,
            formatOption,
            outputOption,
        };
        analysis.AddTo(command);
        command.SetAction(parse =>
        {
            FileInfo input = parse.GetRequiredValue(inputArgument);
            // A missing input is an error (exit 1), as it is for read and open.
            if (!input.Exists) throw new FileNotFoundException($"{input.FullName} does not exist");
            FileInfo? outputFile = parse.GetValue(outputOption);
            using Stream output = outputFile is null ? Console.OpenStandardOutput() : outputFile.Create();
            if (SessionStore.IsLiteDbFile(input.FullName))
            {
                using var reader = SessionStoreReader.Open(input.FullName);
                RecordReport.FromStore(reader).Write(output, parse.GetValue(formatOption));
                return ExitCodes.Success;
            }
            var records = new RecordList();
            using var pipeline = new AnalysisPipeline(analysis.Read(parse), records);
            CaptureFilesResult result = CaptureFileAnalysis.Read([input.FullName], pipeline);
            foreach (CaptureFileOutcome file in result.Files.Where(f => f.Error is not null))
                Console.Error.WriteLine($"sniffer: {file.Path}: {file.Error}");
            RecordReport.FromRecords(records.Records).Write(output, parse.GetValue(formatOption));
            return result.Failed ? ExitCodes.Error : ExitCodes.Success;
        });
        return command;
    }

    private sealed class RecordList : IRecordSink
    {
        public List<SnifferRecord> Records { get; } = [];

        public void Emit(SnifferRecord record) => Records.Add(record);
    }
}
