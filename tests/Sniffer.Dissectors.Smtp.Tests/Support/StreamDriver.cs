using System.Buffers;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Core.Records;
using Sniffer.TestSupport;

namespace Sniffer.Dissectors.Smtp.Tests.Support;

/// <summary>
/// Plays bytes into any <see cref="IStreamDissector"/> the way the reassembly framework does: in chunks of a chosen
/// size, each a segment of its own, with what was not consumed offered again in front of the next chunk, and a
/// clock that knows when each chunk was "captured". Nothing here is SMTP's; it could serve every dissector's tests.
/// </summary>
internal sealed class StreamDriver
{
    private readonly Half[] _halves = [new(), new()];
    private readonly int _chunkSize;
    private long _nowNs = 1_000_000_000;

    public StreamDriver(IDissectorFactory factory, int chunkSize = int.MaxValue, DissectorSettings? settings = null, bool pickedUpMidStream = false)
    {
        _chunkSize = chunkSize;
        Dissector = factory.Create(new FlowContext(7, default, _nowNs, pickedUpMidStream), Sink, settings ?? DissectorSettings.Default);
    }

    public IStreamDissector Dissector { get; }

    public ListSink Sink { get; } = new();

    public List<DissectStatus> Statuses { get; } = [];

    public IEnumerable<T> Records<T>() where T : SnifferRecord => Sink.Records.OfType<T>();

    public IEnumerable<Anomaly> Anomalies => Records<Anomaly>();

    public StreamDriver At(long timeNs)
    {
        _nowNs = timeNs;
        return this;
    }

    public StreamDriver Send(Direction direction, ReadOnlySpan<byte> bytes)
    {
        Half half = _halves[(int)direction];
        while (!bytes.IsEmpty)
        {
            int take = Math.Min(_chunkSize, bytes.Length);
            half.Chunks.Add((bytes[..take].ToArray(), _nowNs));
            bytes = bytes[take..];
            var reader = new SequenceReader<byte>(half.Sequence());
            Statuses.Add(Dissector.OnData(direction, ref reader, half));
            half.Consume(reader.Consumed);
        }
        return this;
    }

    /// <summary>Loses <paramref name="length"/> bytes, and whatever was offered but not consumed before them.</summary>
    public StreamDriver Gap(Direction direction, long length)
    {
        Half half = _halves[(int)direction];
        long offset = half.Offset + half.Length;
        half.Consume(half.Length);
        half.Offset += length;
        Statuses.Add(Dissector.OnGap(direction, offset, length, _nowNs));
        return this;
    }

    public StreamDriver End()
    {
        Dissector.OnEnd(Direction.ClientToServer, StreamEndReason.Fin, _nowNs);
        Dissector.OnEnd(Direction.ServerToClient, StreamEndReason.Fin, _nowNs);
        return this;
    }

    /// <summary>One direction's unconsumed chunks, and the clock over them.</summary>
    private sealed class Half : IStreamClock
    {
        public List<(byte[] Bytes, long TimeNs)> Chunks { get; } = [];

        public int Skip { get; private set; }

        public long Offset { get; set; }

        public long Length => Chunks.Sum(c => (long)c.Bytes.Length) - Skip;

        public ReadOnlySequence<byte> Sequence()
        {
            if (Chunks.Count == 0) return ReadOnlySequence<byte>.Empty;
            var first = new Segment(Chunks[0].Bytes.AsMemory(Skip), 0);
            Segment last = first;
            foreach (var (bytes, _) in Chunks.Skip(1)) last = last.Append(bytes);
            return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        }

        public void Consume(long count)
        {
            Offset += count;
            count += Skip;
            while (Chunks.Count > 0 && count >= Chunks[0].Bytes.Length)
            {
                count -= Chunks[0].Bytes.Length;
                Chunks.RemoveAt(0);
            }
            Skip = (int)count;
        }

        public long TimeAt(long relativeOffset)
        {
            long position = relativeOffset + Skip;
            foreach (var (bytes, timeNs) in Chunks)
            {
                if (position < bytes.Length) return timeNs;
                position -= bytes.Length;
            }
            return Chunks.Count > 0 ? Chunks[^1].TimeNs : 0;
        }

        public long StreamOffsetOf(long relativeOffset) => Offset + relativeOffset;
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
