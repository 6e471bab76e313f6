using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Core.Records;
using Sniffer.Decoding;

namespace Sniffer.Reassembly;

/// <summary>
/// One TCP connection in the flow table: both half-streams, the dissector binding, the handshake and
/// round-trip timing, and the per-direction counters that become its <see cref="FlowRecord"/>.
/// Instances are pooled by <see cref="TcpReassembler"/> and reused across connections.
/// </summary>
internal sealed class TcpFlow : IHalfStreamReceiver
{
    private const string Source = "tcp";
    private const long NotSeen = -1;

    // RFC 7323 §2.3: shift counts above 14 are taken as 14, the most a window can be scaled.
    private const int MaxWindowShift = 14;

    private readonly FlowAnomalyLimit _sink;
    private readonly ReassemblyCounters _counters;
    private readonly TcpHalfStream[] _halves;
    private readonly FlowDissection _dissection;
    // Indexed by the direction the measured data travels in; the ACK comes the other way.
    private readonly AckRttTracker[] _ackRtt = [new AckRttTracker(), new AckRttTracker()];
    private readonly RttSamples _rttSamples = new();
    private readonly DirectionStats[] _stats = new DirectionStats[2];
    private readonly bool[] _ended = new bool[2];
    // The window each side last advertised, scaled, and the shift count its SYN offered (RFC 7323 §2.2); -1 until known.
    private readonly long[] _advertisedWindow = new long[2];
    private readonly int[] _windowScale = new int[2];

    private long _synNs;
    private long _synAckNs;
    private long _ackNs;
    private uint _clientIsn;
    private uint _serverIsn;
    private bool _resetSeen;
    private bool _dataAfterResetReported;
    private bool _truncationReported;
    private bool _inWindowResetReported;
    private bool _outOfWindowResetReported;

    public TcpFlow(DissectorRegistry registry, ReassemblyOptions options, IRecordSink sink, ReassemblyCounters counters, HistoryRingPool historyRings, StreamScratch scratch)
    {
        _sink = new FlowAnomalyLimit(sink);
        _counters = counters;
        _halves =
        [
            new TcpHalfStream(Direction.ClientToServer, this, counters, options, historyRings),
            new TcpHalfStream(Direction.ServerToClient, this, counters, options, historyRings),
        ];
        _dissection = new FlowDissection(registry, options, counters, scratch);
    }

    public FlowTableKey TableKey { get; private set; }
    public FlowContext Context { get; private set; } = null!;
    public bool IsClosed { get; private set; }
    public StreamEndReason CloseReason { get; private set; }
    public long LastPacketNs { get; private set; }
    public long ClosedAtNs { get; private set; }

    /// <summary>Out-of-order bytes both directions hold.</summary>
    public long BufferedBytes => _halves[0].BufferedBytes + _halves[1].BufferedBytes;

    /// <summary>What the flow holds towards the table's global cap: out-of-order bytes and bytes its dissector left unconsumed.</summary>
    public long HeldBytes => BufferedBytes + _dissection.UnconsumedBytes;

    // Links of the table's activity list this flow is on (see FlowList).
    internal TcpFlow? ListPrevious { get; set; }
    internal TcpFlow? ListNext { get; set; }
    internal FlowList? List { get; set; }

    public void Start(FlowTableKey key, FlowContext context)
    {
        TableKey = key;
        Context = context;
        IsClosed = false;
        CloseReason = default;
        LastPacketNs = context.FirstPacketNs;
        ClosedAtNs = 0;
        _synNs = _synAckNs = _ackNs = NotSeen;
        _clientIsn = _serverIsn = 0;
        _resetSeen = _dataAfterResetReported = _truncationReported = _inWindowResetReported = _outOfWindowResetReported = false;
        _advertisedWindow[0] = _advertisedWindow[1] = NotSeen;
        _windowScale[0] = _windowScale[1] = -1;
        _stats[0] = _stats[1] = default;
        _ended[0] = _ended[1] = false;
        _ackRtt[0].Reset();
        _ackRtt[1].Reset();
        _rttSamples.Reset(context.FlowId);
        _sink.Clear();
        _dissection.Start(context, _sink);
    }

    /// <summary>Forgets the connection so the instance can serve another one.</summary>
    public void Recycle()
    {
        _halves[0].Reset();
        _halves[1].Reset();
        _dissection.Release(ClosedAtNs);
        _ackRtt[0].Reset();
        _ackRtt[1].Reset();
        _rttSamples.Release();
        Context = null!;
    }

    /// <summary>
    /// A SYN without ACK that cannot belong to this connection: the 4-tuple is being reused after a close,
    /// after a connection the capture joined mid-stream, or with a new initial sequence number (RFC 9293 §3.4.1).
    /// </summary>
    public bool IsStartedAnewBy(in TcpSegment segment)
    {
        if (!segment.Has(TcpFlags.Syn) || segment.Has(TcpFlags.Ack)) return false;
        if (IsClosed) return true;
        if (_synNs == NotSeen) return _synAckNs == NotSeen;
        return segment.SequenceNumber != _clientIsn;
    }

    public void Process(in TcpSegment segment)
    {
        Direction direction = segment.Source == Context.Key.Client ? Direction.ClientToServer : Direction.ServerToClient;
        int sender = (int)direction, receiver = 1 - sender;
        long now = segment.TimestampNs;
        int payloadLength = segment.Payload.Length + segment.MissingPayloadBytes;

        LastPacketNs = Math.Max(LastPacketNs, now);
        ref DirectionStats stats = ref _stats[sender];
        stats.Packets++;
        stats.PayloadBytes += payloadLength;
        // As tshark's tcp.analysis.zero_window: SYN, FIN and RST segments do not advertise a usable window.
        if (segment.Window == 0 && (segment.Flags & (TcpFlags.Syn | TcpFlags.Fin | TcpFlags.Rst)) == 0) stats.ZeroWindows++;

        // An RST's acknowledgment field carries no promise (RFC 9293 §3.10.7.1): no RTT sample and no loss inferred from it.
        bool acknowledges = segment.Has(TcpFlags.Ack) && !segment.Has(TcpFlags.Rst);
        if (IsClosed)
        {
            // The ACKs of the FINs come after the close and still time the last round trips.
            if (acknowledges) SampleAckRtt(receiver, segment.AcknowledgmentNumber, now);
            if (_resetSeen && payloadLength > 0 && !_dataAfterResetReported)
            {
                _dataAfterResetReported = true;
                EmitAnomaly(AnomalyKinds.TcpDataAfterReset, $"{payloadLength} bytes {direction.Label()} after RST", now);
            }
            return;
        }

        TrackHandshake(segment, direction);

        TcpHalfStream outgoing = _halves[sender], incoming = _halves[receiver];
        bool isSyn = segment.Has(TcpFlags.Syn);
        // The SYN occupies the sequence number before the first data byte (RFC 9293 §3.4); data on a SYN follows it.
        uint dataSeq = isSyn ? unchecked(segment.SequenceNumber + 1) : segment.SequenceNumber;
        if (!outgoing.IsSynchronized) outgoing.Synchronize(dataSeq);
        if (acknowledges && !incoming.IsSynchronized) incoming.Synchronize(segment.AcknowledgmentNumber);

        bool retransmission = false;
        // The window on a SYN is never scaled (RFC 7323 §2.2); an RST's is not an offer to receive anything.
        if (!segment.Has(TcpFlags.Rst)) _advertisedWindow[sender] = isSyn ? segment.Window : (long)segment.Window << WindowShift(sender);

        if (segment.Has(TcpFlags.Rst) && !AcceptReset(outgoing, segment, direction, receiver))
        {
            return;
        }

        if (payloadLength > 0 || segment.Has(TcpFlags.Fin))
        {
            retransmission = outgoing.Accept(dataSeq, segment.Payload, segment.MissingPayloadBytes, segment.Has(TcpFlags.Fin), now);
            if (retransmission)
            {
                stats.Retransmissions++;
                _counters.retransmissions++;
            }
        }
        if (segment.SequenceLength > 0)
        {
            _ackRtt[sender].Sent(unchecked(segment.SequenceNumber + (uint)segment.SequenceLength), now, retransmission);
        }
        if (acknowledges)
        {
            SampleAckRtt(receiver, segment.AcknowledgmentNumber, now);
            if (!IsClosed) incoming.AcknowledgedUpTo(segment.AcknowledgmentNumber);
        }
        if (!IsClosed)
        {
            _halves[0].AgeAcknowledgedHoles(now);
            _halves[1].AgeAcknowledgedHoles(now);
        }
        if (segment.Has(TcpFlags.Rst))
        {
            _resetSeen = true;
            Close(StreamEndReason.Reset, now);
        }
    }

    /// <summary>Gives up the first hole of the direction holding more, to bring the flow under its buffer cap.</summary>
    public void ReleaseOldestHole(long timestampNs)
    {
        int fuller = _halves[1].BufferedBytes > _halves[0].BufferedBytes ? 1 : 0;
        _halves[fuller].ReleaseOldestHole(timestampNs);
    }

    /// <summary>Gives up every hole in both directions and what the dissector left unconsumed; the whole table is over its buffer cap.</summary>
    public void ShedBufferedBytes(long timestampNs)
    {
        _halves[0].ReleaseAllHoles(GapCause.BufferLimit, timestampNs);
        _halves[1].ReleaseAllHoles(GapCause.BufferLimit, timestampNs);
        if (!IsClosed) _dissection.Shed(timestampNs);
    }

    /// <summary>
    /// Ends the connection: holes become gaps, both directions end (those that saw their FIN with
    /// <see cref="StreamEndReason.Fin"/>), and the dissector's buffers are released. The record waits in the table.
    /// </summary>
    public void Close(StreamEndReason reason, long timestampNs)
    {
        if (IsClosed) return;
        // Set first: releasing the holes can deliver a FIN, whose handler would otherwise close again.
        IsClosed = true;
        CloseReason = reason;
        ClosedAtNs = timestampNs;
        for (int direction = 0; direction < 2; direction++)
        {
            _halves[direction].ReleaseAllHoles(GapCause.StreamEnd, timestampNs);
        }
        for (int direction = 0; direction < 2; direction++)
        {
            EndDirection((Direction)direction, reason, timestampNs);
            // Nothing is delivered after the close: the lingering flow keeps only its counters and RTT state.
            _halves[direction].ReleaseHistory();
        }
        _dissection.Release(timestampNs);
        _sink.Finish(Context.FlowId, timestampNs, Source);
    }

    public FlowRecord ToRecord()
    {
        FlowKey key = Context.Key;
        ref DirectionStats client = ref _stats[(int)Direction.ClientToServer];
        ref DirectionStats server = ref _stats[(int)Direction.ServerToClient];
        bool handshakeSeen = _synNs != NotSeen && _synAckNs != NotSeen && _ackNs != NotSeen;
        bool hasRtt = _rttSamples.Count > 0;
        return new FlowRecord
        {
            FlowId = Context.FlowId,
            TimeNs = Context.FirstPacketNs,
            Client = key.Client.ToString(),
            Server = key.Server.ToString(),
            ClientAddress = key.Client.AddressText,
            ClientPort = key.Client.Port,
            ServerAddress = key.Server.AddressText,
            ServerPort = key.Server.Port,
            IsIPv6 = key.Client.IsIPv6,
            VlanId = key.VlanId,
            Protocol = Context.Protocol,
            DissectorDisabled = _dissection.Disabled,
            PickedUpMidStream = Context.PickedUpMidStream,
            HandshakeRttNs = Context.HandshakeRttNs,
            SynToSynAckNs = handshakeSeen ? _synAckNs - _synNs : null,
            SynAckToAckNs = handshakeSeen ? _ackNs - _synAckNs : null,
            AckRttSamples = _rttSamples.Count,
            AckRttMinNs = hasRtt ? _rttSamples.Min : null,
            AckRttMedianNs = _rttSamples.Median(),
            AckRttMaxNs = hasRtt ? _rttSamples.Max : null,
            ClientPackets = client.Packets,
            ServerPackets = server.Packets,
            ClientPayloadBytes = client.PayloadBytes,
            ServerPayloadBytes = server.PayloadBytes,
            ClientRetransmissions = client.Retransmissions,
            ServerRetransmissions = server.Retransmissions,
            ClientZeroWindows = client.ZeroWindows,
            ServerZeroWindows = server.ZeroWindows,
            ClientGaps = client.Gaps,
            ClientGapBytes = client.GapBytes,
            ServerGaps = server.Gaps,
            ServerGapBytes = server.GapBytes,
            FirstPacketNs = Context.FirstPacketNs,
            LastPacketNs = LastPacketNs,
            CloseReason = CloseReason,
        };
    }

    bool IHalfStreamReceiver.IsInspected => _dissection.IsInspecting;

    void IHalfStreamReceiver.OnInOrderData(Direction direction, ReadOnlySpan<byte> data, long streamOffset, long timestampNs)
    {
        _counters.bytesDelivered += data.Length;
        _dissection.OnData(direction, data, streamOffset, timestampNs);
    }

    void IHalfStreamReceiver.OnGap(Direction direction, long streamOffset, long length, GapCause cause, long timestampNs)
    {
        ref DirectionStats stats = ref _stats[(int)direction];
        stats.Gaps++;
        stats.GapBytes += length;
        _counters.gaps++;
        _counters.gapBytes += length;
        // Every packet of a snaplen-cut capture is truncated: one anomaly per flow says so, the gap counters say how much.
        bool reported = cause != GapCause.Truncated || !_truncationReported;
        if (reported)
        {
            _truncationReported |= cause == GapCause.Truncated;
            string where = $"{length} bytes at offset {streamOffset} {direction.Label()}";
            (string kind, string detail) = cause switch
            {
                GapCause.Truncated => (AnomalyKinds.TcpSnaplenTruncated, $"payload cut by the snaplen: {where}"),
                GapCause.BufferLimit => (AnomalyKinds.TcpBufferLimit, $"out-of-order buffer full, hole given up: {where}"),
                GapCause.NotCaptured => (AnomalyKinds.TcpContentGap, $"acknowledged but not captured: {where}"),
                _ => (AnomalyKinds.TcpContentGap, $"never captured before the flow ended: {where}"),
            };
            EmitAnomaly(kind, detail, timestampNs);
        }
        _dissection.OnGap(direction, streamOffset, length, timestampNs);
    }

    void IHalfStreamReceiver.OnFin(Direction direction, long timestampNs)
    {
        EndDirection(direction, StreamEndReason.Fin, timestampNs);
        // Both FINs delivered: the connection is over (RFC 9293 §3.6); a half-close keeps the other direction open.
        if (_ended[0] && _ended[1]) Close(StreamEndReason.Fin, timestampNs);
    }

    void IHalfStreamReceiver.OnOverlapMismatch(Direction direction, long streamOffset, long length, long timestampNs) =>
        EmitAnomaly(AnomalyKinds.TcpOverlapMismatch,
            $"{length} bytes at offset {streamOffset} {direction.Label()} retransmitted with different content; first copy kept",
            timestampNs);

    private void TrackHandshake(in TcpSegment segment, Direction direction)
    {
        bool syn = segment.Has(TcpFlags.Syn), ack = segment.Has(TcpFlags.Ack);
        long now = segment.TimestampNs;
        // Each leg is timed from the last copy before the answer: a retransmitted SYN is the one the SYN-ACK answers.
        if (syn && !ack && direction == Direction.ClientToServer && _synAckNs == NotSeen)
        {
            _synNs = now;
            _clientIsn = segment.SequenceNumber;
            _windowScale[(int)Direction.ClientToServer] = segment.Options.WindowScale;
        }
        else if (syn && ack && direction == Direction.ServerToClient && _ackNs == NotSeen)
        {
            _synAckNs = now;
            _serverIsn = segment.SequenceNumber;
            _windowScale[(int)Direction.ServerToClient] = segment.Options.WindowScale;
        }
        else if (!syn && ack && direction == Direction.ClientToServer && _synAckNs != NotSeen && _ackNs == NotSeen
                 && segment.AcknowledgmentNumber == unchecked(_serverIsn + 1))
        {
            _ackNs = now;
            if (_synNs != NotSeen) Context.HandshakeRttNs = _ackNs - _synNs;
        }
    }

    /// <summary>
    /// RFC 5961 §3.2: only an RST at the receiver's next expected sequence number resets the connection. One
    /// elsewhere in the window makes the receiver send a challenge ACK, which a genuine peer answers with an exact
    /// RST; one outside the window is dropped. Both leave the connection open, and the blind-reset attempt is reported.
    /// </summary>
    private bool AcceptReset(TcpHalfStream outgoing, in TcpSegment segment, Direction direction, int receiver)
    {
        long window = _advertisedWindow[receiver] == NotSeen ? (long)ushort.MaxValue << MaxWindowShift : _advertisedWindow[receiver];
        ResetCheck check = outgoing.CheckReset(segment.SequenceNumber, window);
        if (check == ResetCheck.Exact) return true;

        bool inWindow = check == ResetCheck.InWindow;
        if (inWindow) _counters.resetsInWindow++;
        else _counters.resetsOutOfWindow++;
        ref bool reported = ref inWindow ? ref _inWindowResetReported : ref _outOfWindowResetReported;
        if (!reported)
        {
            reported = true;
            EmitAnomaly(inWindow ? AnomalyKinds.TcpResetInWindow : AnomalyKinds.TcpResetOutOfWindow,
                $"RST {direction.Label()} at sequence number {segment.SequenceNumber} is {(inWindow ? "in the window but not the next expected one: a challenge ACK" : "outside the receive window: dropped")}, connection kept open (RFC 5961 §3.2)",
                segment.TimestampNs);
        }
        return false;
    }

    /// <summary>The shift applied to the windows <paramref name="direction"/> advertises: both SYNs must offer scaling, and unknown is taken at its largest.</summary>
    private int WindowShift(int direction)
    {
        if (_synNs == NotSeen || _synAckNs == NotSeen) return MaxWindowShift;
        return _windowScale[0] >= 0 && _windowScale[1] >= 0 ? Math.Min(_windowScale[direction], MaxWindowShift) : 0;
    }

    private void SampleAckRtt(int dataDirection, uint ack, long timestampNs)
    {
        if (_ackRtt[dataDirection].TryAcknowledge(ack, timestampNs, out long rttNs)) _rttSamples.Add(rttNs);
    }

    private void EndDirection(Direction direction, StreamEndReason reason, long timestampNs)
    {
        if (_ended[(int)direction]) return;
        _ended[(int)direction] = true;
        _dissection.OnEnd(direction, reason, timestampNs);
    }

    private void EmitAnomaly(string kind, string detail, long timestampNs) =>
        _sink.Emit(new Anomaly { FlowId = Context.FlowId, TimeNs = timestampNs, Kind = kind, Source = Source, Detail = detail });

    private struct DirectionStats
    {
        public long Packets;
        public long PayloadBytes;
        public long Retransmissions;
        public long ZeroWindows;
        public long Gaps;
        public long GapBytes;
    }
}
