using System.CommandLine;
using Sniffer.Capture.Files;
using Sniffer.Capture.Live;
using Sniffer.Engine;

namespace Sniffer.Cli;

/// <summary>Exit codes as tshark and most Unix tools use them.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Error = 1;
    public const int Usage = 2;
}

/// <summary>Parses, runs, and turns every expected failure into one clear line on stderr with the right exit code.</summary>
public static class CommandLine
{
    public static int Run(RootCommand root, string[] args)
    {
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) Console.Error.WriteLine($"sniffer: {error.Message}");
            Console.Error.WriteLine("Try 'sniffer --help' for more information.");
            return ExitCodes.Usage;
        }
        try
        {
            // Our own handler below prints expected failures as one line; System.CommandLine's would print a stack trace.
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception error) when (error is UsageException or PipelineConfigurationException)
        {
            Console.Error.WriteLine($"sniffer: {error.Message}");
            return ExitCodes.Usage;
        }
        catch (Exception error) when (IsExpected(error))
        {
            Console.Error.WriteLine($"sniffer: {error.Message}");
            return ExitCodes.Error;
        }
    }

    /// <summary>Failures the user can act on; anything else is a bug and keeps its stack trace.</summary>
    private static bool IsExpected(Exception error) =>
        error is CaptureSetupException or CaptureFileException
            or IOException or UnauthorizedAccessException;
}

/// <summary>A value that parsed but makes no sense together with the others.</summary>
public sealed class UsageException(string message) : Exception(message);
