using Sniffer.TestSupport;
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

/// <summary>The outside mail clients, run with a time limit (<see cref="ExternalProgram"/>).</summary>
internal static class ExternalTool
{
    public const string Curl = "/usr/bin/curl";
    public const string Swaks = "/usr/bin/swaks";

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>Runs off the test's thread, so the servers it talks to keep being served meanwhile.</summary>
    public static Task<ProcessResult> RunAsync(string path, params string[] arguments) =>
        Task.Run(() => ExternalProgram.Run(path, arguments, Limit));
}
