using System.Globalization;
using SharpFuzz;
using Sniffer.Fuzzing;
using Sniffer.TestSupport;

// Usage (see README.md):
//   TARGET                          one input per run from stdin, for afl-fuzz (SharpFuzz out-of-process)
//   libfuzzer TARGET                for libfuzzer-dotnet
//   seeds DIR [CAPTURES]            writes each target's seed corpus to DIR/TARGET/ (from CAPTURES, default the repository's captures/)
//   replay TARGET DIR [LIMIT_MS]    runs every file of DIR in-process, each with a time limit (default 5000 ms)
//   mutate TARGET SECONDS [SEED]    in-process random-mutation campaign from the seeds; findings saved to findings/TARGET/
//   list                            the targets
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: Sniffer.Fuzzing TARGET | libfuzzer TARGET | seeds DIR [CAPTURES] | replay TARGET DIR [LIMIT_MS] | mutate TARGET SECONDS [SEED] | list");
    return 2;
}

try
{
    return args[0] switch
    {
        "list" => List(),
        "seeds" when args.Length is 2 or 3 => ExportSeeds(args[1], args.Length == 3 ? args[2] : RepositoryPaths.Captures),
        "replay" when args.Length is 3 or 4 => Report(CorpusReplay.Run(FuzzTargets.Find(args[1]), CorpusReplay.Folder(args[2]),
            TimeSpan.FromMilliseconds(args.Length == 4 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 5000))),
        "mutate" when args.Length is 3 or 4 => Mutate(FuzzTargets.Find(args[1]), int.Parse(args[2], CultureInfo.InvariantCulture),
            args.Length == 4 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 1),
        "libfuzzer" when args.Length == 2 => RunLibFuzzer(args[1]),
        _ when args.Length == 1 => RunAfl(args[0]),
        _ => throw new ArgumentException($"unknown command line: {string.Join(' ', args)}"),
    };
}
catch (ArgumentException error)
{
    Console.Error.WriteLine(error.Message);
    return 2;
}

static int List()
{
    foreach (FuzzTarget target in FuzzTargets.All) Console.WriteLine($"{target.Name,-12} {target.Describes}");
    return 0;
}

static int ExportSeeds(string directory, string capturesDirectory)
{
    foreach (FuzzTarget target in FuzzTargets.All)
    {
        string folder = Directory.CreateDirectory(Path.Combine(directory, target.Name)).FullName;
        IReadOnlyList<byte[]> seeds = SeedCorpus.For(target.Name, capturesDirectory);
        for (int i = 0; i < seeds.Count; i++) File.WriteAllBytes(Path.Combine(folder, $"seed-{i:D3}"), seeds[i]);
        Console.WriteLine($"{target.Name}: {seeds.Count} seeds, {seeds.Sum(s => (long)s.Length)} bytes");
    }
    return 0;
}

static int Mutate(FuzzTarget target, int seconds, int randomSeed)
{
    IReadOnlyList<byte[]> seeds = SeedCorpus.For(target.Name, RepositoryPaths.Captures);
    ReplayResult result = CorpusReplay.Run(target, CorpusReplay.Mutations(seeds, randomSeed), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(seconds));
    string folder = Path.Combine("findings", target.Name);
    foreach (FuzzFinding finding in result.Findings)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, finding.InputName.Replace(' ', '-')), finding.Input);
    }
    return Report(result);
}

static int Report(ReplayResult result)
{
    foreach (FuzzFinding finding in result.Findings)
    {
        // The message and the frames in Sniffer's own code say where to look; framework frames add little.
        string[] lines = finding.Problem.Split('\n');
        string firstLines = string.Join('\n', lines.Take(1).Concat(lines.Skip(1).Where(l => l.Contains(" Sniffer.", StringComparison.Ordinal)).Take(8)));
        Console.WriteLine($"FINDING {finding.Target} [{finding.InputName}]: {firstLines}");
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{result.Target}: {result.Executions} executions in {result.Elapsed.TotalSeconds:0.0} s ({result.Executions / Math.Max(result.Elapsed.TotalSeconds, 0.001):0} /s), " +
        $"{result.Findings.Count} findings, peak working set {result.PeakWorkingSetBytes / (1024 * 1024)} MiB"));
    return result.Findings.Count == 0 ? 0 : 1;
}

// Instrumented code may run only inside Fuzzer.*.Run, once the coverage map is shared: the targets (whose static
// settings construct instrumented records) are looked up inside the callback, not before it.
static int RunAfl(string name)
{
    Fuzzer.OutOfProcess.Run(stream =>
    {
        var input = new MemoryStream();
        stream.CopyTo(input);
        FuzzTargets.Find(name).Run(input.ToArray());
    });
    return 0;
}

static int RunLibFuzzer(string name)
{
    Fuzzer.LibFuzzer.Run(span => FuzzTargets.Find(name).Run(span.ToArray()));
    return 0;
}
