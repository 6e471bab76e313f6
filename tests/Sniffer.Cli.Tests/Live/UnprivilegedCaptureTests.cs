using Sniffer.TestSupport;
using Xunit;

namespace Sniffer.Cli.Tests.Live;

/// <summary>Runs sniffer as the unprivileged user 'nobody' (possible when the tests run as root, as CI does).</summary>
public sealed class UnprivilegedCaptureTests
{
    [RunAsNobodyFact]
    public void CaptureWithoutPermissionSaysHowToGetIt()
    {
        ProcessResult result = SnifferProcess.RunAs("nobody", "capture", "-i", "lo", "--count", "1");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("cannot open 'lo'", result.StandardError);
        Assert.Contains("setcap cap_net_raw,cap_net_admin+eip", result.StandardError);
        Assert.DoesNotContain("   at ", result.StandardError);
    }
}

/// <summary>Skips unless the tests run as root with runuser available and the build output readable by others.</summary>
public sealed class RunAsNobodyFactAttribute : FactAttribute
{
    public RunAsNobodyFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "Linux only";
        else if (Environment.UserName != "root") Skip = "needs root to switch to the unprivileged user 'nobody'";
        else if (!File.Exists("/usr/sbin/runuser") && !File.Exists("/sbin/runuser")) Skip = "runuser is not installed";
        else if ((File.GetUnixFileMode(Path.Combine(AppContext.BaseDirectory, "sniffer.dll")) & UnixFileMode.OtherRead) == 0)
            Skip = "the build output is not readable by other users";
    }
}
