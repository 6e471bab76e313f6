using Sniffer.Core.Dissection;
using Sniffer.Core.Records;

namespace Sniffer.Benchmarks.Support;

/// <summary>Counts what a stage emits and keeps nothing, so a benchmark measures the stage and not a store.</summary>
public sealed class CountingSink : IRecordSink
{
    public long Records { get; private set; }

    public void Emit(SnifferRecord record) => Records++;
}
