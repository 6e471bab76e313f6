using System.Runtime.InteropServices;
using Sniffer.Core.Dissection;
using Sniffer.Core.Records;

namespace Sniffer.Reassembly;

/// <summary>
/// The sink of one flow's reassembly and dissector, listing at most <see cref="PerKind"/> anomalies of each kind (Zeek
/// samples its weirds likewise): one hostile flow of a million one-byte holes or malformed lines would otherwise make
/// a million records for the store to write. The rest are counted, and said in one <see cref="AnomalyKinds.AnomalyLimit"/>
/// anomaly per kind when the flow ends, before its flow record. Every other record passes straight through.
/// </summary>
internal sealed class FlowAnomalyLimit(IRecordSink sink) : IRecordSink
{
    public const int PerKind = 100;

    // In the order the kinds first came, so what the flow's end says is the same on every run.
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public void Emit(SnifferRecord record)
    {
        if (record is Anomaly anomaly && ++CollectionsMarshal.GetValueRefOrAddDefault(_counts, anomaly.Kind, out _) > PerKind) return;
        sink.Emit(record);
    }

    /// <summary>Says how many of each kind were held back, and starts counting afresh.</summary>
    public void Finish(long flowId, long timestampNs, string source)
    {
        foreach ((string kind, int count) in _counts)
        {
            if (count <= PerKind) continue;
            sink.Emit(new Anomaly
            {
                FlowId = flowId, TimeNs = timestampNs, Kind = AnomalyKinds.AnomalyLimit, Source = source,
                Detail = $"{count - PerKind} more {kind} anomalies on this flow were counted, not listed",
            });
        }
        _counts.Clear();
    }

    /// <summary>A new flow starts with nothing counted (a closed flow may have reported one more anomaly after its end).</summary>
    public void Clear() => _counts.Clear();
}
