using System.Buffers;
using System.Text;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Core.IO;
using Sniffer.Core.Records;

namespace Sniffer.TestSupport.Dissection;

/// <summary>
/// Plays a conversation into one stream dissector the way the reassembly framework does: bytes arrive in chunks of
/// a chosen size, unconsumed bytes are kept and offered again with the next chunk (as a multi-segment sequence, one
/// segment per chunk), gaps discard what is pending, and a clock maps offsets back to the time each chunk was
/// "captured". Protocol test projects derive a driver that names their records.
/// </summary>
public abstract class DissectorDriver<TSelf> where TSelf : DissectorDriver<TSelf>
{
    private readonly DirectionBuffer[] _directions = [new(), new()];
    private readonly int _chunkSize;
    private readonly Encoding _textEncoding;
    private long _nowNs = 1_000_000_000;

    /// <param name="keptBytesBudget">What the flow's unfinished entities may keep; unbounded when null, as outside a flow table.</param>
    protected DissectorDriver(IDissectorFactory factory, int chunkSize, DissectorSettings? settings, bool pickedUpMidStream, Encoding textEncoding,
        KeptBytesBudget? keptBytesBudget = null)
    {
        _chunkSize = chunkSize;
        _textEncoding = textEncoding;
        var flow = new FlowContext(7, default, _nowNs, pickedUpMidStream) { KeptBytesBudget = keptBytesBudget ?? KeptBytesBudget.Unlimited };
        Dissector = factory.Create(flow, Sink, settings ?? DissectorSettings.Default);
    }

    public IStreamDissector Dissector { get; }

    public ListSink Sink { get; } = new();

    public List<DissectStatus> Statuses { get; } = [];

    public IEnumerable<T> Records<T>() => Sink.Records.OfType<T>();

    public IReadOnlyList<Anomaly> Anomalies => Records<Anomaly>().ToList();

    /// <summary>Bytes offered but not consumed in a direction (what the framework would be holding).</summary>
    public long Pending(Direction direction) => _directions[(int)direction].PendingLength;

    /// <summary>Advances the capture clock; every later chunk is stamped with the new time.</summary>
    public TSelf At(long timeNs)
    {
        _nowNs = timeNs;
        return Self;
    }

    public TSelf Client(string text) => Send(Direction.ClientToServer, _textEncoding.GetBytes(text));

    public TSelf Server(string text) => Send(Direction.ServerToClient, _textEncoding.GetBytes(text));

    public TSelf Send(Direction direction, ReadOnlySpan<byte> bytes)
    {
        DirectionBuffer buffer = _directions[(int)direction];
        while (!bytes.IsEmpty)
        {
            int take = Math.Min(_chunkSize, bytes.Length);
            buffer.Append(bytes[..take].ToArray(), _nowNs);
            bytes = bytes[take..];
            var reader = new SequenceReader<byte>(buffer.PendingSequence());
            Statuses.Add(Dissector.OnData(direction, ref reader, buffer));
            buffer.Consume(reader.Consumed);
        }
        return Self;
    }

    public TSelf Gap(Direction direction, long length)
    {
        DirectionBuffer buffer = _directions[(int)direction];
        long offset = buffer.DiscardPending();
        buffer.Skip(length);
        Statuses.Add(Dissector.OnGap(direction, offset, length, _nowNs));
        return Self;
    }

    public TSelf End(Direction direction)
    {
        Dissector.OnEnd(direction, StreamEndReason.Fin, _nowNs);
        return Self;
    }

    public TSelf EndBoth() => End(Direction.ClientToServer).End(Direction.ServerToClient);

    private TSelf Self => (TSelf)this;

    /// <summary>One direction's unconsumed chunks, and the clock over them.</summary>
    private sealed class DirectionBuffer : IStreamClock
    {
        private readonly List<(byte[] Bytes, long TimeNs)> _chunks = [];
        private int _firstChunkOffset;
        private long _streamOffset;

        public long PendingLength => _chunks.Sum(c => (long)c.Bytes.Length) - _firstChunkOffset;

        public void Append(byte[] bytes, long timeNs) => _chunks.Add((bytes, timeNs));

        public ReadOnlySequence<byte> PendingSequence()
        {
            if (_chunks.Count == 0) return ReadOnlySequence<byte>.Empty;
            var first = new Segment(_chunks[0].Bytes.AsMemory(_firstChunkOffset), 0);
            Segment last = first;
            foreach (var chunk in _chunks.Skip(1)) last = last.Append(chunk.Bytes);
            return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        }

        public void Consume(long count)
        {
            _streamOffset += count;
            while (count > 0)
            {
                int available = _chunks[0].Bytes.Length - _firstChunkOffset;
                if (count < available)
                {
                    _firstChunkOffset += (int)count;
                    return;
                }
                count -= available;
                _chunks.RemoveAt(0);
                _firstChunkOffset = 0;
            }
        }

        public long DiscardPending()
        {
            _streamOffset += PendingLength;
            _chunks.Clear();
            _firstChunkOffset = 0;
            return _streamOffset;
        }

        public void Skip(long length) => _streamOffset += length;

        public long TimeAt(long relativeOffset)
        {
            long position = relativeOffset + _firstChunkOffset;
            foreach (var chunk in _chunks)
            {
                if (position < chunk.Bytes.Length) return chunk.TimeNs;
                position -= chunk.Bytes.Length;
            }
            return _chunks.Count > 0 ? _chunks[^1].TimeNs : 0;
        }

        public long StreamOffsetOf(long relativeOffset) => _streamOffset + relativeOffset;
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
