using System.Buffers;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;

namespace Sniffer.TestSupport.Dissection;

/// <summary>What a <see cref="RecordingDissector"/> saw of one flow: both byte streams exactly, the gaps and the ends.</summary>
public sealed class RecordedFlow(FlowContext flow)
{
    public FlowContext Flow { get; } = flow;
    public MemoryStream ClientBytes { get; } = new();
    public MemoryStream ServerBytes { get; } = new();
    public List<(Direction Direction, long Offset, long Length)> Gaps { get; } = [];
    public List<(Direction Direction, StreamEndReason Reason)> Ends { get; } = [];

    /// <summary>Capture time of the first byte of each chunk, per direction, as the clock reported it.</summary>
    public List<(Direction Direction, long StreamOffset, long TimeNs)> ChunkTimes { get; } = [];

    public byte[] Bytes(Direction direction) => (direction == Direction.ClientToServer ? ClientBytes : ServerBytes).ToArray();
}

/// <summary>
/// A dissector that consumes everything and keeps it, bound by port map (it never claims traffic by probing).
/// Tests use it to see exactly what the reassembler delivered.
/// </summary>
public sealed class RecordingDissectorFactory : IDissectorFactory
{
    public const string ProtocolName = "record";

    public List<RecordedFlow> Flows { get; } = [];

    public string Name => ProtocolName;

    public IReadOnlyList<ushort> DefaultServerPorts => [];

    public ProbeResult Probe(Direction direction, ReadOnlySpan<byte> firstBytes) => ProbeResult.NoMatch;

    public IStreamDissector Create(FlowContext flow, IRecordSink sink, DissectorSettings settings)
    {
        var recorded = new RecordedFlow(flow);
        Flows.Add(recorded);
        return new RecordingDissector(recorded);
    }

    private sealed class RecordingDissector(RecordedFlow recorded) : IStreamDissector
    {
        public DissectStatus OnData(Direction direction, ref SequenceReader<byte> reader, IStreamClock clock)
        {
            MemoryStream target = direction == Direction.ClientToServer ? recorded.ClientBytes : recorded.ServerBytes;
            recorded.ChunkTimes.Add((direction, clock.StreamOffsetOf(0), clock.TimeAt(0)));
            foreach (ReadOnlyMemory<byte> segment in reader.UnreadSequence) target.Write(segment.Span);
            reader.AdvanceToEnd();
            return DissectStatus.Progress;
        }

        public DissectStatus OnGap(Direction direction, long streamOffset, long length, long timeNs)
        {
            recorded.Gaps.Add((direction, streamOffset, length));
            // Keep offsets in the recorded stream equal to stream offsets: a gap becomes that many zero bytes.
            MemoryStream target = direction == Direction.ClientToServer ? recorded.ClientBytes : recorded.ServerBytes;
            target.Write(new byte[length]);
            return DissectStatus.Progress;
        }

        public void OnEnd(Direction direction, StreamEndReason reason, long timeNs) => recorded.Ends.Add((direction, reason));
    }
}
