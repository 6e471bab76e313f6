using System.Buffers;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Core.Records;

namespace Sniffer.Reassembly;

/// <summary>
/// The dissector side of one flow: picks a dissector (port table, then content probes preferring a match in
/// both directions, as Zeek's DPD signatures do), pins it, feeds it each direction's unconsumed bytes, and
/// falls back to counting opaque bytes after a hand-off or repeated violations. Reused from flow to flow.
/// </summary>
internal sealed class FlowDissection
{
    private enum Mode
    {
        /// <summary>Bytes are held until the port table or a probe names the protocol.</summary>
        Selecting,
        Dissecting,

        /// <summary>Unknown protocol, handed off or disabled: bytes are only counted by the flow.</summary>
        Opaque,
    }

    /// <summary>How one factory's probe judged the bytes seen so far in both directions.</summary>
    private enum Verdict
    {
        /// <summary>A direction said NoMatch, or there are no bytes to judge.</summary>
        Rejected,

        /// <summary>No match yet, and more bytes may still come.</summary>
        Undecided,

        /// <summary>No contradiction, but the probe needed more bytes than there are or will be.</summary>
        Inconclusive,
        MatchedOneWay,
        MatchedOneWayAwaitingOther,
        MatchedBothWays,
    }

    private const string Source = "dissector";

    private readonly DissectorRegistry _registry;
    private readonly ReassemblyOptions _options;
    private readonly StreamBuffer[] _buffers;
    private readonly bool[] _ended = new bool[2];
    private readonly StreamEndReason[] _endReasons = new StreamEndReason[2];

    private FlowContext _flow = null!;
    private IRecordSink _sink = null!;
    private Mode _mode;
    private IDissectorFactory? _factory;
    private IStreamDissector? _dissector;
    private int _violations;
    private bool _progressed;

    public FlowDissection(DissectorRegistry registry, ReassemblyOptions options, ReassemblyCounters counters, StreamScratch scratch)
    {
        _registry = registry;
        _options = options;
        _buffers = [new StreamBuffer(counters, scratch), new StreamBuffer(counters, scratch)];
    }

    /// <summary>True once the bound dissector was switched off after violations.</summary>
    public bool Disabled { get; private set; }

    /// <summary>False once no dissector will read the flow's bytes again (none matched, handed off, disabled).</summary>
    public bool IsInspecting => _mode != Mode.Opaque;

    /// <summary>Bytes held for the dissector (or for the choice of one) in both directions.</summary>
    public long UnconsumedBytes => _buffers[0].Length + _buffers[1].Length;

    public void Start(FlowContext flow, IRecordSink sink)
    {
        _flow = flow;
        _sink = sink;
        _mode = Mode.Selecting;
        _factory = null;
        _dissector = null;
        _violations = 0;
        _progressed = false;
        _ended[0] = _ended[1] = false;
        Disabled = false;
        // The user's --map needs no bytes to confirm it: bind now so the dissector also hears of gaps before the first byte.
        if (_registry.ForServerPort(flow.Key.Server.Port, out bool mappedByUser) is { } mapped && mappedByUser)
        {
            Bind(mapped, flow.FirstPacketNs);
        }
    }

    /// <summary>Drops the dissector and gives the buffers back to the pool.</summary>
    public void Release(long timestampNs)
    {
        DropDissector(timestampNs);
        _factory = null;
        _flow = null!;
        _sink = null!;
        foreach (StreamBuffer buffer in _buffers) buffer.DiscardAll(0);
    }

    /// <summary>
    /// The table is over its memory cap: a choice still waiting for bytes is made with those held, and what the
    /// dissector left unconsumed is given up as a gap, so it can resynchronise on what comes next.
    /// </summary>
    public void Shed(long timestampNs)
    {
        if (_mode == Mode.Selecting && UnconsumedBytes > 0) Select(force: true, timestampNs);
        for (int direction = 0; direction < 2 && _mode == Mode.Dissecting; direction++)
        {
            StreamBuffer buffer = _buffers[direction];
            if (buffer.Length == 0) continue;
            EmitAnomaly(AnomalyKinds.TcpBufferLimit,
                $"buffer cap of the flow table reached: {buffer.Length} bytes {((Direction)direction).Label()} left unconsumed by {_factory!.Name} dropped as a gap",
                timestampNs);
            DropUnconsumed((Direction)direction, timestampNs);
        }
    }

    public void OnData(Direction direction, ReadOnlySpan<byte> data, long streamOffset, long timestampNs)
    {
        if (_mode == Mode.Opaque) return;
        StreamBuffer buffer = _buffers[(int)direction];
        buffer.Append(data, streamOffset, timestampNs);
        try
        {
            // Waiting for the other direction to confirm a probe must not hold unbounded bytes.
            if (_mode == Mode.Selecting) Select(force: buffer.Length > _options.MaxUnconsumedBytes, timestampNs);
            else Feed(direction, timestampNs);
        }
        finally
        {
            // The delivery may sit in the reassembler's scratch arrays, which the next flow's delivery reuses.
            buffer.Settle();
        }
    }

    public void OnGap(Direction direction, long streamOffset, long length, long timestampNs)
    {
        StreamBuffer buffer = _buffers[(int)direction];
        // Bytes before a gap cannot wait for a better probe: decide with what there is so they can be dissected.
        if (_mode == Mode.Selecting && buffer.Length > 0) Select(force: true, timestampNs);
        buffer.DiscardAll(streamOffset + length);
        // A dissector bound later sees where its bytes start through IStreamClock.StreamOffsetOf(0).
        if (_mode == Mode.Dissecting) DeliverGap(direction, streamOffset, length, timestampNs);
    }

    public void OnEnd(Direction direction, StreamEndReason reason, long timestampNs)
    {
        if (_ended[(int)direction]) return;
        _ended[(int)direction] = true;
        _endReasons[(int)direction] = reason;
        // Binding delivers the ends already seen, so a decision taken here must not deliver this one twice.
        if (_mode == Mode.Selecting) Select(force: false, timestampNs);
        else if (_mode == Mode.Dissecting) DeliverEnd(direction, timestampNs);
    }

    private void DeliverEnd(Direction direction, long timestampNs)
    {
        try
        {
            _dissector!.OnEnd(direction, _endReasons[(int)direction], timestampNs);
        }
        catch (Exception exception)
        {
            Interpret(Threw(exception, timestampNs), timestampNs);
        }
    }

    private void Select(bool force, long timestampNs)
    {
        IDissectorFactory? portCandidate = _registry.ForServerPort(_flow.Key.Server.Port, out bool mappedByUser);
        if (portCandidate is not null)
        {
            if (mappedByUser)
            {
                Bind(portCandidate, timestampNs);
                return;
            }
            // A port binding needs only one direction to confirm it, and once no more bytes will come,
            // bytes that do not contradict it are enough.
            switch (Judge(portCandidate, force, boundToPort: true))
            {
                case Verdict.MatchedBothWays or Verdict.MatchedOneWay or Verdict.MatchedOneWayAwaitingOther or Verdict.Inconclusive:
                    Bind(portCandidate, timestampNs);
                    return;
                case Verdict.Undecided:
                    return;
            }
        }

        IDissectorFactory? oneWay = null;
        bool worthWaiting = false;
        foreach (IDissectorFactory factory in _registry.Factories)
        {
            if (ReferenceEquals(factory, portCandidate)) continue;
            switch (Judge(factory, force, boundToPort: false))
            {
                case Verdict.MatchedBothWays:
                    Bind(factory, timestampNs);
                    return;
                case Verdict.MatchedOneWay:
                    oneWay ??= factory;
                    break;
                case Verdict.MatchedOneWayAwaitingOther:
                    oneWay ??= factory;
                    worthWaiting = true;
                    break;
                case Verdict.Undecided:
                    worthWaiting = true;
                    break;
            }
        }
        if (worthWaiting && !force) return;
        if (oneWay is not null) Bind(oneWay, timestampNs);
        else GoOpaque(timestampNs);
    }

    /// <remarks>
    /// On its own port a protocol may answer in a form its probe cannot recognise — an HTTP/0.9 response is bare
    /// content with no status line (RFC 1945 §6) — so there one direction's match outweighs the other's contradiction.
    /// Found by content alone, a contradiction in either direction rejects the factory.
    /// </remarks>
    private Verdict Judge(IDissectorFactory factory, bool force, bool boundToPort)
    {
        int matches = 0;
        bool awaiting = false, judged = false, contradicted = false;
        for (int direction = 0; direction < 2; direction++)
        {
            StreamBuffer buffer = _buffers[direction];
            bool exhausted = force || _ended[direction] || buffer.Length >= _options.ProbeBytes;
            if (buffer.Length == 0)
            {
                awaiting |= !exhausted;
                continue;
            }
            judged = true;
            ReadOnlySpan<byte> firstBytes = buffer.Unconsumed[..Math.Min(buffer.Length, _options.ProbeBytes)];
            ProbeResult result;
            try
            {
                result = factory.Probe((Direction)direction, firstBytes);
            }
            catch (Exception exception)
            {
                EmitAnomaly(AnomalyKinds.DissectorViolation, $"{factory.Name} probe threw {exception.GetType().Name}: {exception.Message}", buffer.FirstByteTimeNs);
                return Verdict.Rejected;
            }
            switch (result)
            {
                case ProbeResult.Match:
                    matches++;
                    break;
                case ProbeResult.NoMatch:
                    if (!boundToPort) return Verdict.Rejected;
                    contradicted = true;
                    break;
                case ProbeResult.NeedMoreData:
                    awaiting |= !exhausted;
                    break;
            }
        }
        if (contradicted && matches == 0) return awaiting ? Verdict.Undecided : Verdict.Rejected;
        return (matches, awaiting) switch
        {
            (2, _) => Verdict.MatchedBothWays,
            (1, true) => Verdict.MatchedOneWayAwaitingOther,
            (1, false) => Verdict.MatchedOneWay,
            (_, true) => Verdict.Undecided,
            _ => judged ? Verdict.Inconclusive : Verdict.Rejected,
        };
    }

    private void Bind(IDissectorFactory factory, long timestampNs)
    {
        _flow.Protocol = factory.Name;
        _factory = factory;
        try
        {
            _dissector = factory.Create(_flow, _sink, _options.Dissector);
        }
        catch (Exception exception)
        {
            EmitAnomaly(AnomalyKinds.DissectorDisabled, $"{factory.Name} could not be created: {exception.GetType().Name}: {exception.Message}", timestampNs);
            Disabled = true;
            GoOpaque(timestampNs);
            return;
        }
        _mode = Mode.Dissecting;
        // Bytes waited for the decision in both directions; offer them in the order they were captured.
        Direction first = _buffers[1].FirstByteTimeNs < _buffers[0].FirstByteTimeNs ? Direction.ServerToClient : Direction.ClientToServer;
        Feed(first, timestampNs);
        Feed(first.Reverse(), timestampNs);
        if (_mode == Mode.Dissecting && _ended[(int)first]) DeliverEnd(first, timestampNs);
        if (_mode == Mode.Dissecting && _ended[(int)first.Reverse()]) DeliverEnd(first.Reverse(), timestampNs);
    }

    private void Feed(Direction direction, long timestampNs)
    {
        StreamBuffer buffer = _buffers[(int)direction];
        if (_mode != Mode.Dissecting || buffer.Length == 0) return;

        var reader = new SequenceReader<byte>(buffer.UnconsumedSequence);
        DissectStatus status;
        try
        {
            status = _dissector!.OnData(direction, ref reader, buffer);
        }
        catch (Exception exception)
        {
            status = Threw(exception, timestampNs);
        }
        buffer.Consume(reader.Consumed);
        Interpret(status, timestampNs);

        if (_mode == Mode.Dissecting && buffer.Length > _options.MaxUnconsumedBytes)
        {
            // The dissector holds more than any element it should accept: drop the bytes as a gap so memory stays bounded.
            EmitAnomaly(AnomalyKinds.DissectorViolation,
                $"{_factory!.Name} left {buffer.Length} bytes unconsumed in {direction.Label()} (limit {_options.MaxUnconsumedBytes}); dropped as a gap",
                timestampNs);
            _violations++;
            if (ShouldDisable()) Disable(timestampNs);
            else DropUnconsumed(direction, timestampNs);
        }
    }

    private void DropUnconsumed(Direction direction, long timestampNs)
    {
        StreamBuffer buffer = _buffers[(int)direction];
        long offset = buffer.StartOffset, length = buffer.Length;
        buffer.DiscardAll(offset + length);
        DeliverGap(direction, offset, length, timestampNs);
    }

    private void DeliverGap(Direction direction, long streamOffset, long length, long timestampNs)
    {
        DissectStatus status;
        try
        {
            status = _dissector!.OnGap(direction, streamOffset, length, timestampNs);
        }
        catch (Exception exception)
        {
            status = Threw(exception, timestampNs);
        }
        Interpret(status, timestampNs);
    }

    // A dissector (possibly a third-party plug-in) that throws has violated its contract; the flow goes on without it.
    private DissectStatus Threw(Exception exception, long timestampNs)
    {
        EmitAnomaly(AnomalyKinds.DissectorViolation, $"{_factory!.Name} threw {exception.GetType().Name}: {exception.Message}", timestampNs);
        return DissectStatus.Violation;
    }

    private void Interpret(DissectStatus status, long timestampNs)
    {
        switch (status)
        {
            case DissectStatus.Progress:
                _progressed = true;
                break;
            case DissectStatus.Violation:
                _violations++;
                if (ShouldDisable()) Disable(timestampNs);
                break;
            case DissectStatus.HandOff:
                GoOpaque(timestampNs);
                break;
        }
    }

    // One violation before any progress means the protocol guess was wrong (Zeek's DPD disables on the first one).
    private bool ShouldDisable() => !_progressed || _violations >= _options.MaxViolations;

    private void Disable(long timestampNs)
    {
        EmitAnomaly(AnomalyKinds.DissectorDisabled,
            $"{_factory!.Name} disabled after {_violations} violation(s){(_progressed ? "" : " before any progress")}; rest of flow counted only",
            timestampNs);
        Disabled = true;
        GoOpaque(timestampNs);
    }

    private void GoOpaque(long timestampNs)
    {
        _mode = Mode.Opaque;
        DropDissector(timestampNs);
        foreach (StreamBuffer buffer in _buffers) buffer.DiscardAll(0);
    }

    /// <summary>
    /// A dissector that holds resources (kept bytes reserved from the flow's budget, pooled arrays, inflaters) says so
    /// by being IDisposable; it is disposed whenever it is dropped, at the flow's end or mid-flow, so nothing it
    /// held is stranded.
    /// </summary>
    private void DropDissector(long timestampNs)
    {
        if (_dissector is IDisposable disposable)
        {
            try
            {
                disposable.Dispose();
            }
            catch (Exception exception)
            {
                Threw(exception, timestampNs);
            }
        }
        _dissector = null;
    }

    private void EmitAnomaly(string kind, string detail, long timestampNs) =>
        _sink.Emit(new Anomaly { FlowId = _flow.FlowId, TimeNs = timestampNs, Kind = kind, Source = Source, Detail = detail });
}
