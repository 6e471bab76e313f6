using System.Buffers;
using System.Net;
using Sniffer.Capture.Files;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Core.Packets;
using Sniffer.Core.Records;
using Sniffer.Decoding;
using Sniffer.Reassembly;

namespace Sniffer.Engine;

/// <summary>
/// One connection as its flow record names it: the endpoints ("addr:port", as <see cref="FlowRecord.Client"/>
/// and <see cref="FlowRecord.Server"/> write them), the VLAN and the first-to-last-packet span, which tells it
/// apart from an earlier or later connection that reused the same ports.
/// </summary>
public sealed record FlowSelector(string Client, string Server, ushort VlanId, long FirstPacketNs, long LastPacketNs);

/// <summary>How much of a flow an extraction keeps, so following a long download stays bounded in memory.</summary>
public sealed record FlowStreamLimits
{
    public static FlowStreamLimits Default { get; } = new();

    /// <summary>Bytes kept per direction; later bytes are only counted.</summary>
    public int MaxBytesPerDirection { get; init; } = 1024 * 1024;

    /// <summary>Pieces kept in all (a piece is a run of one direction's bytes, or a gap); later ones are only counted.</summary>
    public int MaxPieces { get; init; } = 20_000;

    /// <summary>
    /// How far past the flow's last packet reading goes on before it stops: the capture is in time order, so
    /// nothing of the flow comes later, but a few late frames (merged files, clock steps) are tolerated.
    /// </summary>
    public long ReadPastEndNs { get; init; } = 2_000_000_000;
}

/// <summary>
/// A run of bytes one side sent, in the order the reassembler delivered them (the order Wireshark's Follow TCP
/// Stream shows), or a gap of <see cref="MissingBytes"/> that never arrived (then <see cref="Bytes"/> is empty).
/// </summary>
public sealed record StreamPiece(Direction Direction, long TimeNs, long StreamOffset, ReadOnlyMemory<byte> Bytes, long MissingBytes)
{
    public bool IsGap => MissingBytes > 0;
}

/// <summary>What an extraction found: the pieces of both directions interleaved, and what was cut to stay bounded.</summary>
public sealed record FlowStreams(
    IReadOnlyList<StreamPiece> Pieces,
    long FramesRead,
    long FramesOfFlow,
    long ClientBytes,
    long ServerBytes,
    long ClientBytesNotKept,
    long ServerBytesNotKept,
    long PiecesNotKept)
{
    /// <summary>False when no packet of the flow was in the file: it is another file than the one analysed, or it changed since.</summary>
    public bool Found => FramesOfFlow > 0;
}

/// <summary>
/// Reads a capture file again for the packets of one flow and reassembles its two byte streams with the same
/// decoder and flow table as the analysis, as Wireshark's Follow TCP Stream does: the store keeps the dissected
/// messages, not the bytes. Only frames between the flow's endpoints, on its VLAN and within its time span reach
/// the reassembler; reading stops once past the flow's last packet (plus <see cref="FlowStreamLimits.ReadPastEndNs"/>).
/// </summary>
public static class FlowStreamExtraction
{
    /// <exception cref="CaptureFileException">The file is missing, not a capture, or corrupt before the flow ended.</exception>
    /// <exception cref="FormatException">An endpoint of <paramref name="flow"/> is not "address:port".</exception>
    public static FlowStreams Extract(string capturePath, FlowSelector flow, FlowStreamLimits? limits = null)
    {
        limits ??= FlowStreamLimits.Default;
        NetworkEndpoint client = NetworkEndpoint.FromIPEndPoint(IPEndPoint.Parse(flow.Client));
        NetworkEndpoint server = NetworkEndpoint.FromIPEndPoint(IPEndPoint.Parse(flow.Server));
        var recorder = new StreamRecorder(client, limits);
        var registry = new DissectorRegistry();
        registry.Add(recorder);
        // Bound without probing (as --map does), so the recorder also hears of a gap before the first byte.
        registry.Map(server.Port, StreamRecorder.ProtocolName);
        var reassembler = new TcpReassembler(ReassemblyOptions.Default, registry, DiscardRecords.Instance);
        var decoder = new PacketDecoder(DecoderSettings.Default, DiscardRecords.Instance);

        long framesRead = 0, framesOfFlow = 0, lastNs = flow.FirstPacketNs;
        long stopAfterNs = flow.LastPacketNs + limits.ReadPastEndNs;
        using (CaptureFileReader reader = CaptureFileReader.Open(capturePath))
        {
            while (reader.TryReadNext(out CaptureFrame frame))
            {
                framesRead++;
                if (frame.TimestampNs > stopAfterNs) break;
                if (frame.TimestampNs < flow.FirstPacketNs || frame.TimestampNs > flow.LastPacketNs) continue;
                if (decoder.Decode(frame, out TcpSegment segment) != DecodeResult.Tcp || segment.VlanId != flow.VlanId) continue;
                if (!(segment.Source == client && segment.Destination == server) && !(segment.Source == server && segment.Destination == client)) continue;
                framesOfFlow++;
                lastNs = segment.TimestampNs;
                reassembler.Process(segment);
            }
        }
        reassembler.Complete(lastNs);
        return recorder.Result(framesRead, framesOfFlow);
    }

    /// <summary>
    /// A dissector that takes every byte as it is delivered: it is how the reassembler hands out a flow's ordered
    /// bytes and gaps (Zeek's data / gap contract), so the extraction reassembles exactly as the analysis did.
    /// </summary>
    private sealed class StreamRecorder(NetworkEndpoint client, FlowStreamLimits limits) : IDissectorFactory, IStreamDissector
    {
        public const string ProtocolName = "follow";

        private readonly List<StreamPiece> _pieces = [];
        private readonly long[] _bytes = new long[2];
        private readonly long[] _kept = new long[2];
        private readonly long[] _notKept = new long[2];
        private readonly ArrayBufferWriter<byte> _open = new();
        private Direction _openDirection;
        private long _openTimeNs, _openOffset;
        private long _piecesNotKept;
        private Direction _refusedDirection;
        private long _refusedEnd = -1;
        // The flow table names the client by who sent the SYN; the store's record did the same, but a capture that
        // starts mid-stream is inferred, so the directions are taken from the selector's client.
        private bool _swapped;

        public string Name => ProtocolName;

        public IReadOnlyList<ushort> DefaultServerPorts => [];

        public ProbeResult Probe(Direction direction, ReadOnlySpan<byte> firstBytes) => ProbeResult.NoMatch;

        public IStreamDissector Create(FlowContext flow, IRecordSink sink, DissectorSettings settings)
        {
            _swapped = flow.Key.Client != client;
            return this;
        }

        public DissectStatus OnData(Direction direction, ref SequenceReader<byte> reader, IStreamClock clock)
        {
            if (reader.Remaining == 0) return DissectStatus.NeedMoreData;
            direction = Oriented(direction);
            long offset = clock.StreamOffsetOf(0);
            _bytes[(int)direction] += reader.Remaining;
            int room = (int)Math.Min(reader.Remaining, limits.MaxBytesPerDirection - _kept[(int)direction]);
            _notKept[(int)direction] += reader.Remaining - room;
            if (room > 0 && Continue(direction, offset, clock.TimeAt(0)))
            {
                foreach (ReadOnlyMemory<byte> memory in reader.UnreadSequence.Slice(0, room)) _open.Write(memory.Span);
                _kept[(int)direction] += room;
            }
            else
            {
                _notKept[(int)direction] += room;
                _refusedEnd = offset + reader.Remaining;
            }
            reader.AdvanceToEnd();
            return DissectStatus.Progress;
        }

        public DissectStatus OnGap(Direction direction, long streamOffset, long length, long timeNs)
        {
            CloseOpen();
            if (_pieces.Count < limits.MaxPieces) _pieces.Add(new StreamPiece(Oriented(direction), timeNs, streamOffset, ReadOnlyMemory<byte>.Empty, length));
            else _piecesNotKept++;
            return DissectStatus.Progress;
        }

        public void OnEnd(Direction direction, StreamEndReason reason, long timeNs)
        {
        }

        public FlowStreams Result(long framesRead, long framesOfFlow)
        {
            CloseOpen();
            return new FlowStreams(_pieces, framesRead, framesOfFlow, _bytes[0], _bytes[1], _notKept[0], _notKept[1], _piecesNotKept);
        }

        private Direction Oriented(Direction direction) => _swapped ? direction.Reverse() : direction;

        /// <summary>Makes the open piece the one these bytes extend; false when no piece may be started any more.</summary>
        private bool Continue(Direction direction, long offset, long timeNs)
        {
            if (_open.WrittenCount > 0 && _openDirection == direction && _openOffset + _open.WrittenCount == offset) return true;
            CloseOpen();
            if (_pieces.Count >= limits.MaxPieces)
            {
                // A run goes on over several deliveries: count it once.
                if (_refusedDirection != direction || _refusedEnd != offset) _piecesNotKept++;
                (_refusedDirection, _refusedEnd) = (direction, offset);
                return false;
            }
            (_openDirection, _openOffset, _openTimeNs) = (direction, offset, timeNs);
            return true;
        }

        private void CloseOpen()
        {
            if (_open.WrittenCount == 0) return;
            _pieces.Add(new StreamPiece(_openDirection, _openTimeNs, _openOffset, _open.WrittenMemory.ToArray(), 0));
            _open.Clear();
        }
    }

    /// <summary>The analysis already stored the flow's records and anomalies; re-reading only rebuilds its bytes.</summary>
    private sealed class DiscardRecords : IRecordSink
    {
        public static readonly DiscardRecords Instance = new();

        public void Emit(SnifferRecord record)
        {
        }
    }
}
