using System.Diagnostics;
using Xunit;

namespace Sniffer.Servers.Mail.Tests;

/// <summary>A fact that runs only where an outside program is installed, and says which one when skipped.</summary>
public abstract class ToolFactAttribute : FactAttribute
{
    protected ToolFactAttribute(string path, string package)
    {
        if (!File.Exists(path)) Skip = $"{path} is not installed (apt-get install {package})";
    }
}

public sealed class CurlFactAttribute() : ToolFactAttribute(ExternalTool.Curl, "curl");

public sealed class SwaksFactAttribute() : ToolFactAttribute(ExternalTool.Swaks, "swaks");

/// <summary>Runs an outside client with a time limit; one still running at the limit is killed by its process id.</summary>
internal static class ExternalTool
{
    public const string Curl = "/usr/bin/curl";
    public const string Swaks = "/usr/bin/swaks";

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    public static async Task<(int Exit, string Output, string Error)> RunAsync(string path, params string[] arguments)
    {
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{path} did not start");
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{path} did not finish within {Limit.TotalSeconds} s");
        }
        return (process.ExitCode, await output, await error);
    }
}
