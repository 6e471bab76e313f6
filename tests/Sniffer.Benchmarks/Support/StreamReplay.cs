using System.Buffers;
using System.Net;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;

namespace Sniffer.Benchmarks.Support;

/// <summary>
/// Plays one connection's application bytes into a stream dissector the way the reassembler hands them over: each
/// direction arrives in segments of at most one MSS, the turns of the conversation interleaved, and whatever the
/// dissector leaves unconsumed is offered again with the next segment. Each direction's stream is one array, so the
/// pending bytes are always a slice of it: the replay itself copies and allocates nothing, and what a benchmark
/// measures is the dissector.
/// </summary>
public sealed class StreamReplay
{
    /// <summary>Capture time of a connection's first packet unless the caller gives one.</summary>
    public const long DefaultStartNs = 1_700_000_000_000_000_000;

    private const long SegmentIntervalNs = 100_000;

    private readonly byte[][] _streams;
    private readonly (Direction Direction, int End)[] _segments;
    private readonly DirectionClock[] _clocks = [new(), new()];
    private readonly long[] _consumed = new long[2];
    private readonly FlowKey _key;

    /// <param name="turns">The conversation in order: who sends, and what.</param>
    public StreamReplay(IEnumerable<(Direction Direction, byte[] Bytes)> turns, ushort serverPort, int segmentSize = 1460)
    {
        var streams = new[] { new MemoryStream(), new MemoryStream() };
        var segments = new List<(Direction, int)>();
        foreach ((Direction direction, byte[] bytes) in turns)
        {
            MemoryStream stream = streams[(int)direction];
            for (int offset = 0; offset < bytes.Length; offset += segmentSize)
            {
                stream.Write(bytes, offset, Math.Min(segmentSize, bytes.Length - offset));
                segments.Add((direction, (int)stream.Length));
            }
        }
        _streams = [streams[0].ToArray(), streams[1].ToArray()];
        _segments = [.. segments];
        _key = new FlowKey(
            NetworkEndpoint.FromIPEndPoint(IPEndPoint.Parse("192.0.2.10:51234")),
            NetworkEndpoint.FromIPEndPoint(new IPEndPoint(IPAddress.Parse("198.51.100.20"), serverPort)),
            0);
    }

    /// <summary>Application bytes of both directions.</summary>
    public long Bytes => _streams[0].Length + _streams[1].Length;

    public int Segments => _segments.Length;

    /// <summary>
    /// Creates the flow's dissector and plays the whole connection into it, starting at <paramref name="startNs"/> and
    /// ending both directions with a FIN.
    /// </summary>
    public void Play(IDissectorFactory factory, long flowId, IRecordSink sink, DissectorSettings settings, long startNs = DefaultStartNs)
    {
        IStreamDissector dissector = factory.Create(new FlowContext(flowId, _key, startNs, pickedUpMidStream: false), sink, settings);
        _consumed[0] = _consumed[1] = 0;
        long nowNs = startNs;
        foreach ((Direction direction, int end) in _segments)
        {
            nowNs += SegmentIntervalNs;
            int index = (int)direction;
            long consumed = _consumed[index];
            DirectionClock clock = _clocks[index];
            clock.Set(consumed, nowNs);
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(_streams[index], (int)consumed, end - (int)consumed));
            DissectStatus status = dissector.OnData(direction, ref reader, clock);
            // Benchmark inputs are clean traffic; a violation would mean the benchmark measures an error path.
            if (status is DissectStatus.Violation or DissectStatus.HandOff)
            {
                throw new InvalidOperationException($"{status} at byte {consumed + reader.Consumed} of {direction}");
            }
            _consumed[index] = consumed + reader.Consumed;
        }
        dissector.OnEnd(Direction.ClientToServer, StreamEndReason.Fin, nowNs);
        dissector.OnEnd(Direction.ServerToClient, StreamEndReason.Fin, nowNs);
    }

    /// <summary>Every pending byte is stamped with the time of the segment that completed it: enough for timings, free to ask.</summary>
    private sealed class DirectionClock : IStreamClock
    {
        private long _streamOffset;
        private long _nowNs;

        public void Set(long streamOffset, long nowNs)
        {
            _streamOffset = streamOffset;
            _nowNs = nowNs;
        }

        public long TimeAt(long relativeOffset) => _nowNs;

        public long StreamOffsetOf(long relativeOffset) => _streamOffset + relativeOffset;
    }
}
