using System.CommandLine;

namespace Sniffer.Cli.Commands;

/// <summary>The capture files argument of read, open and report.</summary>
internal static class CaptureFilesArgument
{
    public static Argument<FileInfo[]> Create()
    {
        var argument = new Argument<FileInfo[]>("files")
        {
            Description = "pcap, pcapng or gzip-compressed capture files, read in the order given",
            Arity = ArgumentArity.OneOrMore,
        };
        // A file argument swallows any token, so a mistyped option would otherwise be read as a file name.
        argument.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (token.Value.StartsWith('-') && !File.Exists(token.Value)) result.AddError($"unrecognized option '{token.Value}'");
            }
        });
        return argument;
    }
}
