using Sniffer.Core.Records;

namespace Sniffer.Core.Dissection;

/// <summary>Where dissectors and the flow table hand what they found. The store, a report or a test implements it.</summary>
public interface IRecordSink
{
    void Emit(SnifferRecord record);
}
