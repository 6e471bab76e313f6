using Sniffer.Core.Dissection;
using Sniffer.Core.Records;

namespace Sniffer.TestSupport;

/// <summary>Keeps every record in order, for tests to inspect.</summary>
public sealed class ListSink : IRecordSink
{
    public List<SnifferRecord> Records { get; } = [];

    public void Emit(SnifferRecord record) => Records.Add(record);
}
