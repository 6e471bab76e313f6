using System.Diagnostics;

namespace Sniffer.Fuzzing;

/// <summary>What went wrong with one input: an exception escaped, or the harness ran past the time limit.</summary>
public sealed record FuzzFinding(string Target, string InputName, byte[] Input, string Problem);

public sealed record ReplayResult(string Target, long Executions, TimeSpan Elapsed, long PeakWorkingSetBytes, IReadOnlyList<FuzzFinding> Findings);

/// <summary>
/// Runs inputs through a harness in this process, each on a worker thread with a time limit. A hang ends the run
/// (the stuck thread cannot be stopped safely); exceptions are collected and the run goes on.
/// </summary>
public static class CorpusReplay
{
    public static ReplayResult Run(FuzzTarget target, IEnumerable<(string Name, byte[] Input)> inputs, TimeSpan perInputLimit, TimeSpan? totalLimit = null)
    {
        var findings = new List<FuzzFinding>();
        var clock = Stopwatch.StartNew();
        long executions = 0, peakWorkingSet = 0;
        using var process = Process.GetCurrentProcess();
        foreach (var (name, input) in inputs)
        {
            if (totalLimit is { } limit && clock.Elapsed >= limit) break;
            executions++;
            Exception? escaped = null;
            var worker = new Thread(() =>
            {
                try
                {
                    target.Run(input);
                }
                catch (Exception e)
                {
                    escaped = e;
                }
            }, maxStackSize: 16 * 1024 * 1024) { IsBackground = true };
            worker.Start();
            if (!worker.Join(perInputLimit))
            {
                findings.Add(new FuzzFinding(target.Name, name, input, $"hang: still running after {perInputLimit.TotalSeconds:0.#} s"));
                break;
            }
            if (escaped is not null) findings.Add(new FuzzFinding(target.Name, name, input, escaped.ToString()));
            if (executions % 256 == 0)
            {
                process.Refresh();
                peakWorkingSet = Math.Max(peakWorkingSet, process.PeakWorkingSet64);
            }
        }
        process.Refresh();
        return new ReplayResult(target.Name, executions, clock.Elapsed, Math.Max(peakWorkingSet, process.PeakWorkingSet64), findings);
    }

    /// <summary>Every file of a corpus folder (AFL's queue, crashes or hangs folder works as is).</summary>
    public static IEnumerable<(string Name, byte[] Input)> Folder(string directory) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith('.') && !f.EndsWith("README.txt", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => (Path.GetRelativePath(directory, f), File.ReadAllBytes(f)));

    /// <summary>An endless (or <paramref name="count"/>-long) stream of seeded mutations of <paramref name="seeds"/>.</summary>
    public static IEnumerable<(string Name, byte[] Input)> Mutations(IReadOnlyList<byte[]> seeds, int randomSeed, long count = long.MaxValue)
    {
        var mutator = new Mutator(randomSeed);
        for (long i = 0; i < count; i++) yield return ($"mutation {i} of seed {randomSeed}", mutator.Mutate(seeds));
    }
}
