using System.Buffers;
using System.Text;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Core.Records;
using Sniffer.TestSupport;

namespace Sniffer.Dissectors.Imap.Tests.Support;

/// <summary>
/// Plays a conversation into one <see cref="ImapStreamDissector"/> as the reassembly framework does: bytes arrive in
/// chunks of a chosen size, unconsumed bytes are offered again with the next chunk (one segment per chunk), and the
/// clock maps offsets back to the time each chunk was "captured".
/// </summary>
internal sealed class ConversationDriver
{
    private readonly DirectionBuffer[] _directions = [new(), new()];
    private readonly int _chunkSize;
    private long _nowNs = 1_000_000_000;

    public ConversationDriver(int chunkSize = int.MaxValue, DissectorSettings? settings = null)
    {
        _chunkSize = chunkSize;
        Dissector = new ImapDissectorFactory().Create(new FlowContext(7, default, _nowNs, pickedUpMidStream: false), Sink, settings ?? DissectorSettings.Default);
    }

    public IStreamDissector Dissector { get; }

    public ListSink Sink { get; } = new();

    public List<DissectStatus> Statuses { get; } = [];

    public IEnumerable<T> Records<T>() => Sink.Records.OfType<T>();

    public IEnumerable<Anomaly> Anomalies => Records<Anomaly>();

    public long Pending(Direction direction) => _directions[(int)direction].PendingLength;

    public ConversationDriver At(long timeNs)
    {
        _nowNs = timeNs;
        return this;
    }

    public ConversationDriver Client(string text) => Send(Direction.ClientToServer, Encoding.UTF8.GetBytes(text));

    public ConversationDriver Server(string text) => Send(Direction.ServerToClient, Encoding.UTF8.GetBytes(text));

    public ConversationDriver Send(Direction direction, ReadOnlySpan<byte> bytes)
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

    public ConversationDriver EndBoth()
    {
        Dissector.OnEnd(Direction.ClientToServer, StreamEndReason.Fin, _nowNs);
        Dissector.OnEnd(Direction.ServerToClient, StreamEndReason.Fin, _nowNs);
        return this;
    }

    /// <summary>One direction's unconsumed chunks, and the clock over them.</summary>
    private sealed class DirectionBuffer : IStreamClock
    {
        private readonly List<(byte[] Bytes, long TimeNs)> _chunks = [];
        private int _firstOffset;
        private long _streamOffset;

        public long PendingLength => _chunks.Sum(c => (long)c.Bytes.Length) - _firstOffset;

        public void Append(byte[] bytes, long timeNs) => _chunks.Add((bytes, timeNs));

        public ReadOnlySequence<byte> PendingSequence()
        {
            if (_chunks.Count == 0) return ReadOnlySequence<byte>.Empty;
            var first = new Segment(_chunks[0].Bytes.AsMemory(_firstOffset), 0);
            Segment last = first;
            foreach (var chunk in _chunks.Skip(1)) last = last.Append(chunk.Bytes);
            return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        }

        public void Consume(long count)
        {
            _streamOffset += count;
            while (count > 0)
            {
                int available = _chunks[0].Bytes.Length - _firstOffset;
                if (count < available)
                {
                    _firstOffset += (int)count;
                    return;
                }
                count -= available;
                _chunks.RemoveAt(0);
                _firstOffset = 0;
            }
        }

        public long DiscardPending()
        {
            _streamOffset += PendingLength;
            _chunks.Clear();
            _firstOffset = 0;
            return _streamOffset;
        }

        public void Skip(long length) => _streamOffset += length;

        public long TimeAt(long relativeOffset)
        {
            long position = relativeOffset + _firstOffset;
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

        public Segment Append(ReadOnlyMemory<byte> next)
        {
            var segment = new Segment(next, RunningIndex + Memory.Length);
            Next = segment;
            return segment;
        }
    }
}
