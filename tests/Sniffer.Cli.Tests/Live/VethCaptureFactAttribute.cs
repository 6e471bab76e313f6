using System.Diagnostics;
using Xunit;

namespace Sniffer.Cli.Tests.Live;

/// <summary>
/// A fact that needs what tests/tools/veth-capture.sh needs: Linux, root, network namespaces, and the ip, ethtool
/// and tshark programs. It skips, saying which is missing (CI runs as root, so there it runs when they are installed).
/// </summary>
public sealed class VethCaptureFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Unavailable = new(Probe);

    public VethCaptureFactAttribute()
    {
        if (Unavailable.Value is { } reason) Skip = "a capture between network namespaces is not possible here: " + reason;
    }

    /// <summary>Runs a short command, bounded in time; its exit code, or -1 when it overran and was killed.</summary>
    internal static int Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill(entireProcessTree: true);
            return -1;
        }
        Task.WaitAll(output, error);
        return process.ExitCode;
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux()) return "Linux only";
        if (Environment.UserName != "root") return "needs root";
        string[] path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        string[] missing = ["ip", "ethtool", "tshark"];
        missing = missing.Where(tool => !path.Any(folder => File.Exists(Path.Combine(folder, tool)))).ToArray();
        if (missing.Length > 0) return $"{string.Join(", ", missing)} not installed (apt-get install -y iproute2 ethtool tshark)";
        string probe = $"sniffer-probe-{Environment.ProcessId}";
        if (Run("ip", "netns", "add", probe) != 0) return "'ip netns add' failed";
        Run("ip", "netns", "del", probe);
        return null;
    }
}
