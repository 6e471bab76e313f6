using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Core.IO;
using Sniffer.Core.Records;
using Sniffer.Decoding;

namespace Sniffer.Reassembly;

/// <summary>
/// The TCP flow table: finds or starts the connection of every segment, reassembles both directions,
/// feeds the dissectors and emits a <see cref="FlowRecord"/> when a connection ends. Single-threaded:
/// call <see cref="Process"/> for each segment in capture order, then <see cref="Complete"/> once.
/// <para>
/// Memory is bounded whatever the capture's size: finished flows leave the table and their objects are
/// pooled, idle ones time out, out-of-order bytes are capped per flow and, with the bytes dissectors left
/// unconsumed, in total. A closed flow lingering for its last ACKs keeps only its counters and RTT state.
/// </para>
/// </summary>
public sealed class TcpReassembler
{
    private const int MaxPooledFlows = 4096;

    private readonly ReassemblyOptions _options;
    private readonly DissectorRegistry _registry;
    private readonly IRecordSink _sink;
    private readonly Dictionary<FlowTableKey, TcpFlow> _flows = new();
    // Open flows, least recently active first; closed flows lingering for their last packets, oldest close first.
    private readonly FlowList _active = new();
    private readonly FlowList _closing = new();
    private readonly Stack<TcpFlow> _pool = new();
    private readonly HistoryRingPool _historyRings;
    private readonly StreamScratch _scratch = new();
    private long _nextFlowId = 1;
    private long? _lastSweepNs;

    public TcpReassembler(ReassemblyOptions options, DissectorRegistry registry, IRecordSink sink)
    {
        _options = options;
        _registry = registry;
        _sink = sink;
        _historyRings = new HistoryRingPool(options, Counters);
        KeptBytesBudget = new KeptBytesBudget(options.MaxKeptBytesTotal);
    }

    public ReassemblyCounters Counters { get; } = new();

    /// <summary>What the dissectors of this table's flows keep of unfinished entities; back to zero once every flow has ended.</summary>
    public KeptBytesBudget KeptBytesBudget { get; }

    /// <summary>Takes one segment; its payload is copied if it has to be kept, so the span may be reused afterwards.</summary>
    public void Process(in TcpSegment segment)
    {
        Counters.segments++;
        long now = segment.TimestampNs;
        // Also sweep when time runs backwards (merged or corrupt captures), or sweeping would stop until it catches up.
        if (_lastSweepNs is not { } lastSweep || now - lastSweep >= _options.SweepIntervalNs || now < lastSweep)
        {
            ExpireIdle(now);
        }

        var key = FlowTableKey.Of(segment.Source, segment.Destination, segment.VlanId);
        if (_flows.TryGetValue(key, out TcpFlow? flow) && flow.IsStartedAnewBy(segment))
        {
            // A closed connection's record is final; an open one was abandoned without the capture seeing its end.
            Finish(flow, StreamEndReason.Evicted, now);
            flow = null;
        }
        flow ??= Open(key, segment);

        flow.Process(segment);
        if (flow.IsClosed) MoveToClosing(flow);
        else
        {
            _active.MoveToLast(flow);
            EnforceBufferCaps(flow, now);
        }
    }

    /// <summary>
    /// Ends flows idle for longer than <see cref="ReassemblyOptions.IdleTimeoutNs"/> and emits the records of closed
    /// flows past their linger time. <see cref="Process"/> calls it as capture time advances; a live capture can also
    /// call it from its own timer, on the processing thread.
    /// </summary>
    public void ExpireIdle(long nowNs)
    {
        _lastSweepNs = nowNs;
        while (_active.First is { } idle && nowNs - idle.LastPacketNs >= _options.IdleTimeoutNs)
        {
            Finish(idle, StreamEndReason.IdleTimeout, nowNs);
        }
        while (_closing.First is { } closed && nowNs - closed.ClosedAtNs >= _options.ClosedLingerNs)
        {
            Finish(closed, closed.CloseReason, nowNs);
        }
    }

    /// <summary>The capture is over: every flow still in the table ends and its record is emitted.</summary>
    public void Complete(long endNs)
    {
        while (_active.First is { } open) Finish(open, StreamEndReason.EndOfCapture, endNs);
        while (_closing.First is { } closed) Finish(closed, closed.CloseReason, endNs);
        _lastSweepNs = null;
    }

    private TcpFlow Open(FlowTableKey key, in TcpSegment segment)
    {
        if (_flows.Count >= _options.MaxFlows) EvictOne(segment.TimestampNs);

        bool syn = segment.Has(TcpFlags.Syn);
        bool ack = segment.Has(TcpFlags.Ack);
        (NetworkEndpoint client, NetworkEndpoint server, string how) = (syn, ack) switch
        {
            (true, false) => (segment.Source, segment.Destination, ""),
            (true, true) => (segment.Destination, segment.Source, "first packet was the SYN-ACK"),
            _ => InferClient(segment.Source, segment.Destination),
        };
        bool pickedUpMidStream = !(syn && !ack);
        var context = new FlowContext(_nextFlowId++, new FlowKey(client, server, segment.VlanId), segment.TimestampNs, pickedUpMidStream)
        {
            KeptBytesBudget = KeptBytesBudget,
        };

        TcpFlow flow = _pool.Count > 0 ? _pool.Pop() : new TcpFlow(_registry, _options, _sink, Counters, _historyRings, _scratch);
        flow.Start(key, context);
        _flows.Add(key, flow);
        _active.AddLast(flow);
        Counters.flowsSeen++;
        Counters.FlowsActive = _flows.Count;
        if (pickedUpMidStream)
        {
            _sink.Emit(new Anomaly
            {
                FlowId = context.FlowId,
                TimeNs = segment.TimestampNs,
                Kind = AnomalyKinds.TcpMidStream,
                Source = "tcp",
                Detail = $"no SYN seen; {how}; client taken to be {client}",
            });
        }
        return flow;
    }

    /// <summary>Without a SYN: a registered server port marks the server, else the lower port does, else the first sender is the client.</summary>
    private (NetworkEndpoint Client, NetworkEndpoint Server, string How) InferClient(NetworkEndpoint source, NetworkEndpoint destination)
    {
        bool sourceServes = _registry.IsServerPort(source.Port), destinationServes = _registry.IsServerPort(destination.Port);
        if (sourceServes != destinationServes)
        {
            return sourceServes
                ? (destination, source, $"port {source.Port} is a known server port")
                : (source, destination, $"port {destination.Port} is a known server port");
        }
        // Servers listen on fixed low ports while clients draw ephemeral ones from the top of the range (RFC 6335 §6).
        if (source.Port != destination.Port)
        {
            return source.Port < destination.Port
                ? (destination, source, "the lower port is the server's")
                : (source, destination, "the lower port is the server's");
        }
        return (source, destination, "the first sender is the client");
    }

    private void EvictOne(long nowNs)
    {
        // Closed flows only wait for stray packets: they go first, then the least recently active open flow.
        TcpFlow victim = _closing.First ?? _active.First!;
        Counters.flowsEvicted++;
        _sink.Emit(new Anomaly
        {
            FlowId = victim.Context.FlowId,
            TimeNs = nowNs,
            Kind = AnomalyKinds.TcpFlowLimit,
            Source = "tcp",
            Detail = $"flow table full ({_options.MaxFlows} flows): {victim.Context.Key} ended early",
        });
        Finish(victim, victim.IsClosed ? victim.CloseReason : StreamEndReason.Evicted, nowNs);
    }

    private void EnforceBufferCaps(TcpFlow flow, long nowNs)
    {
        while (!flow.IsClosed && flow.BufferedBytes > _options.MaxBufferedBytesPerFlow)
        {
            Counters.bufferLimitReleases++;
            flow.ReleaseOldestHole(nowNs);
        }
        if (flow.IsClosed) MoveToClosing(flow);

        // Over the global cap the least recently active flows give up their holes, their peers being the least likely
        // to fill them, and the bytes their dissectors left unconsumed.
        TcpFlow? candidate = _active.First;
        while (Counters.BufferedBytes > _options.MaxBufferedBytesTotal && candidate is not null)
        {
            TcpFlow? next = candidate.ListNext;
            if (candidate.HeldBytes > 0)
            {
                Counters.bufferLimitReleases++;
                candidate.ShedBufferedBytes(nowNs);
                if (candidate.IsClosed) MoveToClosing(candidate);
            }
            candidate = next;
        }
    }

    private void MoveToClosing(TcpFlow flow)
    {
        if (ReferenceEquals(flow.List, _closing)) return;
        flow.List?.Remove(flow);
        _closing.AddLast(flow);
    }

    private void Finish(TcpFlow flow, StreamEndReason reason, long nowNs)
    {
        flow.Close(reason, nowNs);
        _sink.Emit(flow.ToRecord());
        flow.List?.Remove(flow);
        _flows.Remove(flow.TableKey);
        Counters.flowsClosed++;
        Counters.FlowsActive = _flows.Count;
        flow.Recycle();
        if (_pool.Count < MaxPooledFlows) _pool.Push(flow);
    }
}
