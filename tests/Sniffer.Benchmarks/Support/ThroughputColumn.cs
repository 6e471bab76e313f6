using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Sniffer.Benchmarks.Support;

/// <summary>
/// The rate a benchmark reaches (MB/s, packets/s, transactions/s): the amount its <see cref="ThroughputAttribute"/>
/// declares divided by the mean time of one call. BenchmarkDotNet's Op/s would count calls, not bytes or records.
/// </summary>
public sealed class ThroughputColumn : IColumn
{
    public string Id => nameof(ThroughputColumn);
    public string ColumnName => "Throughput";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Work per call (bytes, packets, records) divided by the mean time of a call";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        ThroughputAttribute? throughput = benchmarkCase.Descriptor.WorkloadMethod.GetCustomAttribute<ThroughputAttribute>();
        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (throughput is null || meanNs is not > 0) return "-";
        long amount = throughput.AmountPerOperation(benchmarkCase.Descriptor.Type);
        return throughput.Format(amount, meanNs.Value / 1e9);
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public override string ToString() => ColumnName;
}
