using System.Diagnostics;
using System.Text;

namespace Sniffer.Hardening.Tests.Support;

/// <summary>How one run of the <c>sniffer</c> command ended: its exit code and its two outputs, read as raw UTF-8.</summary>
public sealed record SnifferRun(int ExitCode, string Output, string Error);

/// <summary>Runs the built sniffer as a real process, bounded in time and killed by PID if it overruns.</summary>
public static class SnifferCli
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public static SnifferRun Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "sniffer.dll"));
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start sniffer");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"sniffer {string.Join(' ', arguments)} ran longer than {Limit.TotalSeconds} s");
        }
        return new SnifferRun(process.ExitCode, output.Result, error.Result);
    }
}
