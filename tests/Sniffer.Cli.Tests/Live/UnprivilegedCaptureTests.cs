using System.Diagnostics;
using Xunit;

namespace Sniffer.Cli.Tests.Live;

/// <summary>Runs sniffer as the unprivileged user 'nobody' (possible when the tests run as root, as CI does).</summary>
public sealed class UnprivilegedCaptureTests
{
    [RunAsNobodyFact]
    public void CaptureWithoutPermissionSaysHowToGetIt()
    {
        var start = new ProcessStartInfo("runuser") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in (string[])["-u", "nobody", "--", "env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp", "dotnet",
                     Path.Combine(AppContext.BaseDirectory, "sniffer.dll"), "capture", "-i", "lo", "--count", "1"])
            start.ArgumentList.Add(argument);
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60))) process.Kill(entireProcessTree: true);

        Assert.Equal(1, process.ExitCode);
        Assert.Contains("cannot open 'lo'", error.Result);
        Assert.Contains("setcap cap_net_raw,cap_net_admin+eip", error.Result);
        Assert.DoesNotContain("   at ", error.Result);
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
