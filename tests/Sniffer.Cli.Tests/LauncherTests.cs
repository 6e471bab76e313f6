using Sniffer.TestSupport;
using Xunit;

namespace Sniffer.Cli.Tests;

/// <summary>
/// The installed command, src/Sniffer.Cli/Launcher/sniffer (published as bin/sniffer), run against a stand-in for the
/// program beside it that prints what it was given: the generation-0 budget it sets, arguments passed through as they
/// were, the exit code handed back, and the program found through a symbolic link as README's install makes one.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LauncherTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly string _folder = Directory.CreateTempSubdirectory("sniffer-launcher-").FullName;
    private readonly string _launcher;

    public LauncherTests()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "lib", "bin"));
        _launcher = Path.Combine(_folder, "lib", "bin", "sniffer");
        File.Copy(Path.Combine(RepositoryPaths.Root, "src", "Sniffer.Cli", "Launcher", "sniffer"), _launcher);
        File.SetUnixFileMode(_launcher, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        string program = Path.Combine(_folder, "lib", "sniffer");
        File.WriteAllText(program, "#!/bin/sh\necho \"gen0=$DOTNET_GCgen0size\"\nfor a in \"$@\"; do echo \"arg=$a\"; done\nexit 7\n");
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserExecute);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Sets_a_16_MB_generation_0_budget_and_passes_arguments_and_exit_code_through()
    {
        ProcessResult run = ExternalProgram.Run(_launcher, ["open", "a capture.pcap", "--db", "$HOME/x"], Limit,
            new Dictionary<string, string> { ["DOTNET_GCgen0size"] = "" });

        Assert.Equal(7, run.ExitCode);
        Assert.Equal(["gen0=0x1000000", "arg=open", "arg=a capture.pcap", "arg=--db", "arg=$HOME/x"], Lines(run));
    }

    [Fact]
    public void Keeps_a_budget_the_user_set()
    {
        ProcessResult run = ExternalProgram.Run(_launcher, ["read"], Limit, new Dictionary<string, string> { ["DOTNET_GCgen0size"] = "0x4000000" });

        Assert.Equal(["gen0=0x4000000", "arg=read"], Lines(run));
    }

    [Fact]
    public void Finds_the_program_through_a_symbolic_link_elsewhere()
    {
        string link = Path.Combine(_folder, "sniffer-on-path");
        File.CreateSymbolicLink(link, _launcher);

        ProcessResult run = ExternalProgram.Run(link, ["interfaces"], Limit, new Dictionary<string, string> { ["DOTNET_GCgen0size"] = "" });

        Assert.Equal(7, run.ExitCode);
        Assert.Equal(["gen0=0x1000000", "arg=interfaces"], Lines(run));
    }

    private static string[] Lines(ProcessResult run) => run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
