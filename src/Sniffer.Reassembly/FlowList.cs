namespace Sniffer.Reassembly;

/// <summary>
/// An intrusive doubly linked list of flows ordered by when they were last touched, so the flows to expire
/// are always at the head and moving one to the tail costs O(1) without allocating.
/// </summary>
internal sealed class FlowList
{
    public TcpFlow? First { get; private set; }
    private TcpFlow? _last;

    public void AddLast(TcpFlow flow)
    {
        flow.ListPrevious = _last;
        flow.ListNext = null;
        flow.List = this;
        if (_last is null) First = flow;
        else _last.ListNext = flow;
        _last = flow;
    }

    public void Remove(TcpFlow flow)
    {
        if (flow.ListPrevious is null) First = flow.ListNext;
        else flow.ListPrevious.ListNext = flow.ListNext;
        if (flow.ListNext is null) _last = flow.ListPrevious;
        else flow.ListNext.ListPrevious = flow.ListPrevious;
        flow.ListPrevious = null;
        flow.ListNext = null;
        flow.List = null;
    }

    public void MoveToLast(TcpFlow flow)
    {
        if (ReferenceEquals(_last, flow)) return;
        Remove(flow);
        AddLast(flow);
    }
}
