using System.Diagnostics;

namespace Sniffer.TestSupport;

public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError);

/// <summary>
/// Runs the built <c>sniffer</c> (sniffer.dll, beside the tests of a project that references src/Sniffer.Cli) as a real
/// process, its outputs read as UTF-8, bounded in time and killed by PID if it overruns.
/// </summary>
public static class SnifferProcess
{
    // A hang guard, not a speed check: the longest run (open of 5,000 captures until SIGINT) takes seconds.
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    public static string Assembly => Path.Combine(AppContext.BaseDirectory, "sniffer.dll");

    public static ProcessResult Run(params string[] arguments)
    {
        using Process process = Start(arguments);
        return WaitForExit(process, arguments);
    }

    /// <summary>Runs sniffer with these environment variables set (e.g. a private TMPDIR).</summary>
    public static ProcessResult Run(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        using Process process = Start(prefix: [], arguments, program: "dotnet", environment);
        return WaitForExit(process, arguments);
    }

    /// <summary>Runs sniffer as another user through runuser (the tests must run as root; see RunAsNobodyFact).</summary>
    public static ProcessResult RunAs(string user, params string[] arguments)
    {
        using Process process = Start(["-u", user, "--", "env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp", "dotnet"], arguments, program: "runuser");
        return WaitForExit(process, arguments);
    }

    /// <summary>Starts sniffer with its output redirected; pair with <see cref="WaitForExit"/>.</summary>
    public static Process Start(params string[] arguments) => Start(prefix: [], arguments, program: "dotnet");

    private static Process Start(string[] prefix, string[] arguments, string program, IReadOnlyDictionary<string, string>? environment = null) =>
        ExternalProgram.Start(program, [.. prefix, Assembly, .. arguments], environment);

    public static ProcessResult WaitForExit(Process process, params string[] arguments) =>
        ExternalProgram.WaitForExit(process, Limit, $"sniffer {string.Join(' ', arguments)}");

    /// <summary>Sends SIGINT, as Ctrl-C in a terminal does.</summary>
    public static void Interrupt(Process process) => Signal(process, "INT");

    /// <summary>Sends a signal by name (INT, TERM…) with kill(1).</summary>
    public static void Signal(Process process, string signal) => ExternalProgram.Signal(process, signal);
}
