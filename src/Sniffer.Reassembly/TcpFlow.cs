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

    private readonly IRecordSink _sink;
    private readonly ReassemblyCounters _counters;
    private readonly TcpHalfStream[] _halves;
    private readonly FlowDissection _dissection;
    // Indexed by the direction the measured data travels in; the ACK comes the other way.
    private readonly AckRttTracker[] _ackRtt = [new AckRttTracker(), new AckRttTracker()];
    private readonly RttSamples _rttSamples = new();
    private readonly DirectionStats[] _stats = new DirectionStats[2];
    private readonly bool[] _ended = new bool[2];

    private long _synNs;
    private long _synAckNs;
    private long _ackNs;
    private uint _clientIsn;
    private uint _serverIsn;
    private bool _resetSeen;
    private bool _dataAfterResetReported;
    private bool _truncationReported;

    public TcpFlow(DissectorRegistry registry, ReassemblyOptions options, IRecordSink sink, ReassemblyCounters counters)
    {
        _sink = sink;
        _counters = counters;
        _halves =
        [
            new TcpHalfStream(Direction.ClientToServer, this, counters, options.AcknowledgedHoleGraceSegments),
            new TcpHalfStream(Direction.ServerToClient, this, counters, options.AcknowledgedHoleGraceSegments),
        ];
        _dissection = new FlowDissection(registry, options);
    }

    public FlowTableKey TableKey { get; private set; }
    public FlowContext Context { get; private set; } = null!;
    public bool IsClosed { get; private set; }
    public StreamEndReason CloseReason { get; private set; }
    public long LastPacketNs { get; private set; }
    public long ClosedAtNs { get; private set; }

    /// <summary>Out-of-order bytes both directions hold.</summary>
    public long BufferedBytes => _halves[0].BufferedBytes + _halves[1].BufferedBytes;

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
        _resetSeen = _dataAfterResetReported = _truncationReported = false;
        _stats[0] = _stats[1] = default;
        _ended[0] = _ended[1] = false;
        _ackRtt[0].Reset();
        _ackRtt[1].Reset();
        _rttSamples.Reset(context.FlowId);
        _dissection.Start(context, _sink);
    }

    /// <summary>Forgets the connection so the instance can serve another one.</summary>
    public void Recycle()
    {
        _halves[0].Reset();
        _halves[1].Reset();
        _dissection.Release();
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

    /// <summary>Gives up every hole in both directions; the whole table is over its buffer cap.</summary>
    public void ReleaseAllHoles(long timestampNs)
    {
        _halves[0].ReleaseAllHoles(GapCause.BufferLimit, timestampNs);
        _halves[1].ReleaseAllHoles(GapCause.BufferLimit, timestampNs);
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
        }
        _dissection.Release();
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
        }
        else if (syn && ack && direction == Direction.ServerToClient && _ackNs == NotSeen)
        {
            _synAckNs = now;
            _serverIsn = segment.SequenceNumber;
        }
        else if (!syn && ack && direction == Direction.ClientToServer && _synAckNs != NotSeen && _ackNs == NotSeen
                 && segment.AcknowledgmentNumber == unchecked(_serverIsn + 1))
        {
            _ackNs = now;
            if (_synNs != NotSeen) Context.HandshakeRttNs = _ackNs - _synNs;
        }
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
