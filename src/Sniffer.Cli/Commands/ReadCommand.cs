using System.CommandLine;
using Sniffer.Engine;

namespace Sniffer.Cli.Commands;

/// <summary><c>sniffer read</c>: analyse capture files and print what they hold (capinfos plus what the dissectors found).</summary>
internal static class ReadCommand
{
    public static Command Create()
    {
        var filesArgument = CaptureFilesArgument.Create();
        var analysis = new AnalysisOptions();
        var workersOption = WorkersOption.Create();
        var command = new Command("read", "Read capture files and print a summary: packets, bytes, time span, link types, IP/TCP/UDP, fragments, errors")
        {
            filesArgument,
            workersOption,
        };
        analysis.AddTo(command);
        command.SetAction(parse =>
        {
            var files = parse.GetRequiredValue(filesArgument);
            var counting = new CountingSink();
            using var pipeline = new AnalysisPipeline(analysis.Read(parse) with { Workers = parse.GetValue(workersOption) }, counting);
            CaptureFilesResult result = CaptureFileAnalysis.Read(files.Select(f => f.FullName).ToList(), pipeline);
            SummaryPrinter.PrintFiles(result, pipeline, counting);
            return result.Failed ? ExitCodes.Error : ExitCodes.Success;
        });
        return command;
    }
}
