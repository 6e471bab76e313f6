using BenchmarkDotNet.Configs;

namespace Sniffer.Benchmarks.Support;

public static class BenchmarkConfig
{
    /// <summary>
    /// BenchmarkDotNet's defaults (job and filter come from the command line) plus the throughput column. The build of
    /// the generated benchmark project recompiles the whole dependency chain, which on a busy 2-core machine takes longer
    /// than the default two minutes.
    /// </summary>
    public static IConfig Create() => DefaultConfig.Instance
        .AddColumn(new ThroughputColumn())
        .WithBuildTimeout(TimeSpan.FromMinutes(10));
}
