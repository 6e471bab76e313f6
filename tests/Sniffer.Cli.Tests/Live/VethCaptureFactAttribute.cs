using Sniffer.TestSupport;
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

    /// <summary>Runs a short system command, bounded in time; its exit code, or -1 when it overran and was killed.</summary>
    internal static int Run(string program, params string[] arguments)
    {
        try
        {
            return ExternalProgram.Run(program, arguments, TimeSpan.FromSeconds(30)).ExitCode;
        }
        catch (TimeoutException)
        {
            return -1;
        }
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
