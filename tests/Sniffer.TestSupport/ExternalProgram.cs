using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Sniffer.TestSupport;

/// <summary>
/// Runs a program the tests drive as a real process (sniffer, tshark, curl, swaks, npm, ip, a script), bounded in
/// time: standard input is closed, both outputs are read as UTF-8 while it runs, and one still running at the limit
/// is stopped by its process id and the run fails with a <see cref="TimeoutException"/>.
/// </summary>
public static class ExternalProgram
{
    /// <summary>Runs <paramref name="program"/> to its end; a program that cannot start throws Win32Exception.</summary>
    public static ProcessResult Run(string program, IEnumerable<string> arguments, TimeSpan limit,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        string[] argumentList = [.. arguments];
        using Process process = Start(program, argumentList, environment, workingDirectory);
        return WaitForExit(process, limit, $"{program} {string.Join(' ', argumentList)}");
    }

    /// <summary>Starts <paramref name="program"/> with its outputs redirected; pair with <see cref="WaitForExit"/>.</summary>
    public static Process Start(string program, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        Process process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        process.StandardInput.Close();
        return process;
    }

    /// <summary>
    /// Reads both outputs of a started process until it exits. At <paramref name="limit"/> it is killed with its
    /// process tree, or, given <paramref name="terminateFirst"/>, first sent SIGTERM and given that long to clean up
    /// (a script whose trap removes what it created); then this throws, naming <paramref name="what"/> and the end of
    /// its standard error.
    /// </summary>
    public static ProcessResult WaitForExit(Process process, TimeSpan limit, string what, TimeSpan? terminateFirst = null)
    {
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            bool ended = false;
            if (terminateFirst is { } grace)
            {
                Signal(process, "TERM");
                ended = process.WaitForExit(grace);
            }
            if (!ended) process.Kill(entireProcessTree: true);
            process.WaitForExit();
            string lastErrors = string.Join('\n', error.Result.TrimEnd().Split('\n').TakeLast(5));
            throw new TimeoutException($"{what} ran longer than {limit.TotalSeconds:0} s; the end of its standard error:\n{lastErrors}");
        }
        return new ProcessResult(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Sends a signal by name (INT, TERM…) with kill(1).</summary>
    public static void Signal(Process process, string signal)
    {
        using Process kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(CultureInfo.InvariantCulture)])!;
        kill.WaitForExit(5000);
    }
}
