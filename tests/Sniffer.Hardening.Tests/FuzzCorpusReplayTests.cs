using Sniffer.Fuzzing;
using Sniffer.TestSupport;
using Xunit.Abstractions;

namespace Sniffer.Hardening.Tests;

/// <summary>
/// The short fuzz run for CI (issue 12, item 1): every harness replays its seed corpus and 2,000 seeded mutations of it
/// in-process. A finding fails the test with its input in hex, ready to become a regression test.
/// </summary>
public sealed class FuzzCorpusReplayTests(ITestOutputHelper output)
{
    private const int MutationsPerHarness = 2000;
    private const int MutationSeed = 20261127;
    private static readonly TimeSpan PerInputLimit = TimeSpan.FromSeconds(10);

    public static TheoryData<string> Targets() => new(FuzzTargets.All.Select(t => t.Name));

    [Theory]
    [MemberData(nameof(Targets))]
    public void Seeds_and_mutations_run_through_the_harness_without_findings(string target)
    {
        IReadOnlyList<byte[]> seeds = SeedCorpus.For(target, RepositoryPaths.Captures);
        Assert.NotEmpty(seeds);
        IEnumerable<(string, byte[])> inputs = seeds.Select((seed, i) => ($"seed {i}", seed))
            .Concat(CorpusReplay.Mutations(seeds, MutationSeed, MutationsPerHarness));

        ReplayResult result = CorpusReplay.Run(FuzzTargets.Find(target), inputs, PerInputLimit);

        output.WriteLine($"{target}: {result.Executions} executions in {result.Elapsed.TotalSeconds:0.0} s, peak working set {result.PeakWorkingSetBytes / (1024 * 1024)} MiB");
        Assert.Equal(seeds.Count + MutationsPerHarness, result.Executions);
        Assert.True(result.Findings.Count == 0, string.Join("\n\n", result.Findings.Take(3).Select(f =>
            $"[{f.InputName}] {f.Problem}\ninput: {Convert.ToHexString(f.Input.AsSpan(0, Math.Min(f.Input.Length, 4096)))}")));
    }
}
