using Sniffer.Core.Dissection;
using Sniffer.Core.Records;

namespace Sniffer.Reassembly.Tests.Infrastructure;

/// <summary>Keeps every record in emission order.</summary>
internal sealed class RecordingSink : IRecordSink
{
    public List<SnifferRecord> Records { get; } = new();

    public IEnumerable<FlowRecord> Flows => Records.OfType<FlowRecord>();

    public IEnumerable<Anomaly> Anomalies => Records.OfType<Anomaly>();

    public IEnumerable<Anomaly> AnomaliesOf(string kind) => Anomalies.Where(a => a.Kind == kind);

    public FlowRecord SingleFlow() => Assert.Single(Flows);

    public void Emit(SnifferRecord record) => Records.Add(record);
}
