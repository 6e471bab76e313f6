using System.ComponentModel;
using Sniffer.TestSupport;
using Xunit;

namespace Sniffer.Reports.Tests;

/// <summary>
/// Runs only where npm works and the registry serves har-validator: the package is installed once into a cache
/// folder under the temporary directory while tests are discovered. Without npm or the registry the test is
/// skipped with the reason, so CI never fails for want of the network.
/// </summary>
public sealed class HarValidatorFactAttribute : FactAttribute
{
    public HarValidatorFactAttribute()
    {
        if (HarValidator.Installation.Value.SkipReason is { } reason) Skip = reason;
    }
}

public static class HarValidator
{
    private static readonly TimeSpan InstallLimit = TimeSpan.FromSeconds(90);

    public static readonly Lazy<(string? NodePath, string? SkipReason)> Installation = new(Install);

    public static string Script => Path.Combine(RepositoryPaths.Root, "tests", "tools", "har-validate.mjs");

    private static (string?, string?) Install()
    {
        string prefix = Path.Combine(Path.GetTempPath(), "sniffer-har-validator");
        string modules = Path.Combine(prefix, "node_modules");
        if (Directory.Exists(Path.Combine(modules, "har-validator"))) return (modules, null);
        try
        {
            var (exitCode, output) = Run("npm", ["install", "--no-audit", "--no-fund", "--fetch-retries=1", "--fetch-timeout=20000", "--prefix", prefix, "har-validator@5"], InstallLimit);
            return exitCode == 0 ? (modules, null) : (null, "npm could not install har-validator (registry unreachable?): " + output.Trim().Split('\n')[^1]);
        }
        catch (Win32Exception)
        {
            return (null, "npm is not installed");
        }
        catch (TimeoutException)
        {
            return (null, "npm install har-validator took longer than " + InstallLimit);
        }
    }

    /// <summary>Runs a program bounded in time (<see cref="ExternalProgram"/>); returns its exit code and both outputs together.</summary>
    public static (int ExitCode, string Output) Run(string program, IEnumerable<string> arguments, TimeSpan limit, string? nodePath = null)
    {
        ProcessResult result = ExternalProgram.Run(program, arguments, limit, nodePath is null ? null : new Dictionary<string, string> { ["NODE_PATH"] = nodePath });
        return (result.ExitCode, result.StandardOutput + result.StandardError);
    }
}

public sealed class HarValidatorTests
{
    [HarValidatorFact]
    public void Hars_of_the_projects_capture_and_of_hostile_traffic_validate_against_the_har_1_2_schema()
    {
        using var keepAlive = AnalysedStore.FromCapture(Path.Combine(RepositoryPaths.Captures, "tcp", "http-keepalive.pcap"));
        using var hostile = AnalysedStore.FromFrames(HostileTraffic.Http());
        List<string> files = [];
        foreach (AnalysedStore store in new[] { keepAlive, hostile })
        {
            string file = store.File("session.har");
            File.WriteAllText(file, Rendering.Har(store.Cursor));
            files.Add(file);
        }
        if (RepositoryPaths.SharedCaptures is not null)
        {
            using var methods = AnalysedStore.FromCapture(RepositoryPaths.Shared("real/http-methods.pcap"));
            string file = methods.File("methods.har");
            File.WriteAllText(file, Rendering.Har(methods.Cursor));
            var (sharedExit, sharedOutput) = HarValidator.Run("node", [HarValidator.Script, file], TimeSpan.FromMinutes(1), HarValidator.Installation.Value.NodePath);
            Assert.True(sharedExit == 0, sharedOutput);
        }

        var (exitCode, output) = HarValidator.Run("node", [HarValidator.Script, .. files], TimeSpan.FromMinutes(1), HarValidator.Installation.Value.NodePath);

        Assert.True(exitCode == 0, output);
        Assert.Equal(2, output.Split('\n').Count(l => l.EndsWith(": valid HAR 1.2", StringComparison.Ordinal)));
    }

    [HarValidatorFact]
    public void The_validator_rejects_a_har_missing_a_required_field()
    {
        // The check above could pass vacuously if the validator accepted anything.
        string file = Path.Combine(Path.GetTempPath(), $"sniffer-broken-{Guid.NewGuid():N}.har");
        File.WriteAllText(file, """{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[{"startedDateTime":"2020-01-01T00:00:00.000Z"}]}}""");
        try
        {
            var (exitCode, _) = HarValidator.Run("node", [HarValidator.Script, file], TimeSpan.FromMinutes(1), HarValidator.Installation.Value.NodePath);
            Assert.Equal(1, exitCode);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
