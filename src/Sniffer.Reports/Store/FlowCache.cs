using Sniffer.Core.Records;

namespace Sniffer.Reports.Store;

/// <summary>
/// Flow records looked up by (capture, flow) for the records that name them. Consecutive records mostly share
/// a connection, so a small cache saves most queries; it is emptied when full, which keeps memory bounded.
/// </summary>
public sealed class FlowCache(StoreCursor cursor, int capacity = 4096)
{
    private readonly Dictionary<(int, long), FlowRecord?> _flows = [];

    public FlowRecord? Get(int capture, long flow)
    {
        if (flow == 0) return null;
        if (_flows.TryGetValue((capture, flow), out FlowRecord? known)) return known;
        if (_flows.Count >= capacity) _flows.Clear();
        return _flows[(capture, flow)] = cursor.Flow(capture, flow);
    }
}
