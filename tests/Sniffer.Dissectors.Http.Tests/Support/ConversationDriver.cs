using System.Buffers;
using System.Text;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Core.Records;
using Sniffer.Dissectors.Http.Records;

namespace Sniffer.Dissectors.Http.Tests.Support;

/// <summary>
/// Plays a conversation into one <see cref="HttpStreamDissector"/> the way the reassembly framework will:
/// bytes arrive in chunks of a chosen size, unconsumed bytes are kept and offered again (as a multi-segment
/// sequence, one segment per chunk), and a clock maps offsets back to the time each chunk was "captured".
/// </summary>
internal sealed class ConversationDriver
{
    private readonly DirectionBuffer[] _directions = [new(), new()];
    private readonly int _chunkSize;
    private long _nowNs = 1_000_000_000;

    public ConversationDriver(int chunkSize = int.MaxValue, DissectorSettings? settings = null, bool pickedUpMidStream = false)
    {
        _chunkSize = chunkSize;
        var flow = new FlowContext(7, default, _nowNs, pickedUpMidStream);
        Dissector = new HttpDissectorFactory().Create(flow, Sink, settings ?? DissectorSettings.Default);
    }

    public IStreamDissector Dissector { get; }

    public ListSink Sink { get; } = new();

    public List<DissectStatus> Statuses { get; } = [];

    public IReadOnlyList<HttpTransaction> Transactions => Sink.Records.OfType<HttpTransaction>().ToList();

    public IReadOnlyList<Anomaly> Anomalies => Sink.Records.OfType<Anomaly>().ToList();

    /// <summary>Bytes offered but not consumed in a direction (what the framework would be holding).</summary>
    public long Pending(Direction direction) => _directions[(int)direction].PendingLength;

    /// <summary>Advances the capture clock; every later chunk is stamped with the new time.</summary>
    public ConversationDriver At(long timeNs)
    {
        _nowNs = timeNs;
        return this;
    }

    public ConversationDriver Client(string text) => Send(Direction.ClientToServer, Encoding.Latin1.GetBytes(text));

    public ConversationDriver Server(string text) => Send(Direction.ServerToClient, Encoding.Latin1.GetBytes(text));

    public ConversationDriver Send(Direction direction, ReadOnlySpan<byte> bytes)
    {
        DirectionBuffer buffer = _directions[(int)direction];
        while (!bytes.IsEmpty)
        {
            int take = Math.Min(_chunkSize, bytes.Length);
            buffer.Append(bytes[..take].ToArray(), _nowNs);
            bytes = bytes[take..];
            Offer(direction, buffer);
        }
        return this;
    }

    public ConversationDriver Gap(Direction direction, long length)
    {
        DirectionBuffer buffer = _directions[(int)direction];
        long offset = buffer.DiscardPending();
        buffer.Skip(length);
        Statuses.Add(Dissector.OnGap(direction, offset, length, _nowNs));
        return this;
    }

    public ConversationDriver End(Direction direction)
    {
        Dissector.OnEnd(direction, StreamEndReason.Fin, _nowNs);
        return this;
    }

    public ConversationDriver EndBoth() => End(Direction.ClientToServer).End(Direction.ServerToClient);

    private void Offer(Direction direction, DirectionBuffer buffer)
    {
        var reader = new SequenceReader<byte>(buffer.PendingSequence());
        DissectStatus status = Dissector.OnData(direction, ref reader, buffer);
        Statuses.Add(status);
        buffer.Consume(reader.Consumed);
    }

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

internal sealed class ListSink : IRecordSink
{
    public List<SnifferRecord> Records { get; } = [];

    public void Emit(SnifferRecord record) => Records.Add(record);
}
