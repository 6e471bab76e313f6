using System.Buffers;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;

namespace Sniffer.Reassembly.Tests.Infrastructure;

/// <summary>What a <see cref="RecordingDissector"/> saw in one direction.</summary>
internal sealed class DirectionTranscript
{
    /// <summary>Every byte offered, in order, gaps excluded.</summary>
    public List<byte> Bytes { get; } = new();

    /// <summary>Stream offset of each byte in <see cref="Bytes"/>, from the clock.</summary>
    public List<long> Offsets { get; } = new();

    /// <summary>Capture time of each byte in <see cref="Bytes"/>, from the clock.</summary>
    public List<long> Times { get; } = new();

    public List<(long Offset, long Length)> Gaps { get; } = new();

    public StreamEndReason? End { get; set; }

    /// <summary>Data and gaps as one string, for readable failures: "D[0,100) G[100,120) D[120,200)".</summary>
    public List<string> Events { get; } = new();
}

/// <summary>
/// A dissector that consumes everything and remembers it, with the clock's view of every byte.
/// Its factory matches any content, so tests bind it by port or with <c>Map</c>.
/// </summary>
internal sealed class RecordingDissector : IStreamDissector
{
    public RecordingDissector(FlowContext flow) => Flow = flow;

    public FlowContext Flow { get; }

    public DirectionTranscript[] Directions { get; } = [new DirectionTranscript(), new DirectionTranscript()];

    public DirectionTranscript ClientToServer => Directions[0];
    public DirectionTranscript ServerToClient => Directions[1];

    public DissectStatus OnData(Direction direction, ref SequenceReader<byte> reader, IStreamClock clock)
    {
        DirectionTranscript transcript = Directions[(int)direction];
        long length = reader.Remaining;
        transcript.Events.Add($"D[{clock.StreamOffsetOf(0)},{clock.StreamOffsetOf(length)})");
        for (long i = 0; i < length; i++)
        {
            reader.TryRead(out byte value);
            transcript.Bytes.Add(value);
            transcript.Offsets.Add(clock.StreamOffsetOf(i));
            transcript.Times.Add(clock.TimeAt(i));
        }
        return DissectStatus.Progress;
    }

    public DissectStatus OnGap(Direction direction, long streamOffset, long length, long timeNs)
    {
        DirectionTranscript transcript = Directions[(int)direction];
        transcript.Gaps.Add((streamOffset, length));
        transcript.Events.Add($"G[{streamOffset},{streamOffset + length})");
        return DissectStatus.Progress;
    }

    public void OnEnd(Direction direction, StreamEndReason reason, long timeNs)
    {
        Assert.Null(Directions[(int)direction].End);
        Directions[(int)direction].End = reason;
    }
}

internal sealed class RecordingDissectorFactory : IDissectorFactory
{
    public RecordingDissectorFactory(string name = "record", params ushort[] ports)
    {
        Name = name;
        DefaultServerPorts = ports;
    }

    public string Name { get; }

    public IReadOnlyList<ushort> DefaultServerPorts { get; }

    public List<RecordingDissector> Created { get; } = new();

    public RecordingDissector Single => Assert.Single(Created);

    public ProbeResult Probe(Direction direction, ReadOnlySpan<byte> firstBytes) => ProbeResult.Match;

    public IStreamDissector Create(FlowContext flow, IRecordSink sink, DissectorSettings settings)
    {
        var dissector = new RecordingDissector(flow);
        Created.Add(dissector);
        return dissector;
    }
}
