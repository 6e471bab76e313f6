using System.Buffers;
using System.Text;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;

namespace Sniffer.Reassembly.Tests.Infrastructure;

/// <summary>Classifies the first bytes of one direction for a <see cref="LineDissectorFactory"/>.</summary>
internal delegate ProbeResult ProbeRule(Direction direction, ReadOnlySpan<byte> firstBytes);

/// <summary>One complete line a <see cref="LineDissector"/> consumed, with the clock's view of its first and last byte.</summary>
internal sealed record ConsumedLine(Direction Direction, string Text, long StreamOffset, long FirstByteTimeNs, long LastByteTimeNs);

/// <summary>
/// A toy line protocol: consumes complete "\n"-terminated lines only (Kestrel's contract). A line containing
/// "BAD" is a violation, "STARTTLS" hands the flow off, "KEEP n" reserves n bytes of the flow's kept-bytes budget
/// until the dissector is disposed, and anything else is progress.
/// </summary>
internal sealed class LineDissector(FlowContext flow) : IStreamDissector, IDisposable
{
    private long _reserved;

    public FlowContext Flow => flow;

    public List<ConsumedLine> Lines { get; } = new();
    public List<(Direction Direction, long Offset, long Length)> Gaps { get; } = new();
    public List<(Direction Direction, StreamEndReason Reason)> Ends { get; } = new();

    public DissectStatus OnData(Direction direction, ref SequenceReader<byte> reader, IStreamClock clock)
    {
        DissectStatus status = DissectStatus.NeedMoreData;
        while (reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
        {
            long end = reader.Consumed - 1;
            long start = end - line.Length;
            string text = Encoding.ASCII.GetString(line);
            Lines.Add(new ConsumedLine(direction, text, clock.StreamOffsetOf(start), clock.TimeAt(start), clock.TimeAt(end)));
            if (text.Contains("BAD", StringComparison.Ordinal)) return DissectStatus.Violation;
            if (text == "STARTTLS") return DissectStatus.HandOff;
            if (text == "THROW") throw new InvalidOperationException("dissector bug");
            if (text.StartsWith("KEEP ", StringComparison.Ordinal) && flow.KeptBytesBudget.TryReserve(long.Parse(text[5..])))
            {
                _reserved += long.Parse(text[5..]);
            }
            status = DissectStatus.Progress;
        }
        return status;
    }

    public DissectStatus OnGap(Direction direction, long streamOffset, long length, long timeNs)
    {
        Gaps.Add((direction, streamOffset, length));
        return DissectStatus.Progress;
    }

    public void OnEnd(Direction direction, StreamEndReason reason, long timeNs) => Ends.Add((direction, reason));

    /// <summary>How many times the framework disposed it, and how many ends it had heard of by the first time.</summary>
    public (int Count, int EndsHeard) Disposals { get; private set; }

    public void Dispose()
    {
        Disposals = (Disposals.Count + 1, Disposals.Count == 0 ? Ends.Count : Disposals.EndsHeard);
        flow.KeptBytesBudget.Return(_reserved);
        _reserved = 0;
    }

    public IEnumerable<string> TextOf(Direction direction) => Lines.Where(l => l.Direction == direction).Select(l => l.Text);
}

internal sealed class LineDissectorFactory : IDissectorFactory
{
    private readonly ProbeRule _probe;

    public LineDissectorFactory(string name, ProbeRule probe, params ushort[] ports)
    {
        Name = name;
        _probe = probe;
        DefaultServerPorts = ports;
    }

    public string Name { get; }
    public IReadOnlyList<ushort> DefaultServerPorts { get; }
    public List<LineDissector> Created { get; } = new();
    public LineDissector Single => Assert.Single(Created);

    public ProbeResult Probe(Direction direction, ReadOnlySpan<byte> firstBytes) => _probe(direction, firstBytes);

    public IStreamDissector Create(FlowContext flow, IRecordSink sink, DissectorSettings settings)
    {
        var dissector = new LineDissector(flow);
        Created.Add(dissector);
        return dissector;
    }

    /// <summary>Match when the bytes start with <paramref name="prefix"/>, need more while they are a prefix of it.</summary>
    public static ProbeResult StartsWith(ReadOnlySpan<byte> bytes, string prefix)
    {
        ReadOnlySpan<byte> expected = Encoding.ASCII.GetBytes(prefix);
        if (bytes.Length < expected.Length) return expected.StartsWith(bytes) ? ProbeResult.NeedMoreData : ProbeResult.NoMatch;
        return bytes.StartsWith(expected) ? ProbeResult.Match : ProbeResult.NoMatch;
    }
}
