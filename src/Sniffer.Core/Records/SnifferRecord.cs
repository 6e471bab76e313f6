namespace Sniffer.Core.Records;

/// <summary>
/// Base of everything the analysis produces. Times are Unix nanoseconds as integers (never DateTime,
/// which LiteDB truncates to milliseconds).
/// </summary>
public abstract class SnifferRecord
{
    /// <summary>The flow this record belongs to; 0 for capture-wide records.</summary>
    public long FlowId { get; init; }

    /// <summary>When it happened: the capture time of the first packet involved.</summary>
    public long TimeNs { get; init; }
}
