using System.CommandLine;

namespace Sniffer.Cli.Commands;

/// <summary><c>--workers N</c>: how many threads reassemble and dissect (read, open, bench).</summary>
internal static class WorkersOption
{
    public const int Maximum = 256;

    public static Option<int> Create()
    {
        var option = new Option<int>("--workers")
        {
            Description = "Threads that reassemble and dissect, flows shared out by their 4-tuple; 1 = everything on one thread (default: the number of cores)",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > Maximum) result.AddError($"--workers must be between 1 and {Maximum}");
        });
        return option;
    }
}
