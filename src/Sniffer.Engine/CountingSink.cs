using Sniffer.Core.Dissection;
using Sniffer.Core.Records;

namespace Sniffer.Engine;

/// <summary>Counts records by type and anomalies by kind; what `read` and `capture` print when nothing is stored.</summary>
public sealed class CountingSink : IRecordSink
{
    private readonly Dictionary<Type, long> _byType = [];
    private readonly Dictionary<string, long> _anomaliesByKind = new(StringComparer.Ordinal);
    private readonly IRecordSink? _next;

    public CountingSink(IRecordSink? next = null) => _next = next;

    public IReadOnlyDictionary<Type, long> RecordsByType => _byType;

    public IReadOnlyDictionary<string, long> AnomaliesByKind => _anomaliesByKind;

    public long Count<TRecord>() where TRecord : SnifferRecord => _byType.GetValueOrDefault(typeof(TRecord));

    public void Emit(SnifferRecord record)
    {
        _byType[record.GetType()] = _byType.GetValueOrDefault(record.GetType()) + 1;
        if (record is Anomaly anomaly) _anomaliesByKind[anomaly.Kind] = _anomaliesByKind.GetValueOrDefault(anomaly.Kind) + 1;
        _next?.Emit(record);
    }
}
