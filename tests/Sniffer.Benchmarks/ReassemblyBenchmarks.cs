using BenchmarkDotNet.Attributes;
using Sniffer.Benchmarks.Support;
using Sniffer.Core.Records;
using Sniffer.Decoding;
using Sniffer.Reassembly;
using Sniffer.TestSupport;

namespace Sniffer.Benchmarks;

/// <summary>
/// <see cref="TcpReassembler"/> over one whole connection (handshake, a GET, a 73 KB response in 50 MTU segments,
/// FIN), segments decoded beforehand, no dissector bound: the flow table, sequence tracking, RTT sampling and the
/// flow record. The reordered case swaps every fifth pair of response segments, so the out-of-order buffer and hole
/// filling run too. Throughput counts TCP payload bytes.
/// </summary>
[MemoryDiagnoser]
public class ReassemblyBenchmarks
{
    private static readonly DecodedSegment[] InOrder = SyntheticFlow.Decode(SyntheticFlow.HttpDownload());
    private static readonly DecodedSegment[] Reordered = SyntheticFlow.Decode(SyntheticFlow.Reordered(SyntheticFlow.HttpDownload(), everyNth: 5));

    private readonly CountingSink _sink = new();
    private TcpReassembler _reassembler = null!;

    public static long PayloadBytesPerOperation => InOrder.Sum(s => (long)s.PayloadLength);

    [GlobalSetup]
    public void Setup()
    {
        _reassembler = new TcpReassembler(ReassemblyOptions.Default, new DissectorRegistry(), _sink);
        Check(InOrder, "in-order flow");
        Check(Reordered, "reordered flow");
    }

    [Benchmark(Baseline = true)]
    [BytesPerOperation(nameof(PayloadBytesPerOperation))]
    public long WholeFlowInOrder() => Reassemble(_reassembler, InOrder);

    [Benchmark]
    [BytesPerOperation(nameof(PayloadBytesPerOperation))]
    public long WholeFlowReordered() => Reassemble(_reassembler, Reordered);

    /// <summary>
    /// Plays the flow and completes the capture, so every call starts with an empty table (and the flow object the
    /// last call pooled). Returns the bytes delivered so the work cannot be optimised away.
    /// </summary>
    private static long Reassemble(TcpReassembler reassembler, DecodedSegment[] segments)
    {
        foreach (DecodedSegment segment in segments) reassembler.Process(segment.ToSegment());
        reassembler.Complete(segments[^1].TimestampNs);
        return reassembler.Counters.BytesDelivered;
    }

    /// <summary>The flow must reassemble whole, both ways, into one record with no anomaly.</summary>
    private static void Check(DecodedSegment[] segments, string input)
    {
        var sink = new ListSink();
        var reassembler = new TcpReassembler(ReassemblyOptions.Default, new DissectorRegistry(), sink);
        Reassemble(reassembler, segments);
        InputCheck.Expect<FlowRecord>(sink, 1, input);
        if (reassembler.Counters.BytesDelivered != segments.Sum(s => (long)s.PayloadLength))
        {
            throw new InvalidOperationException($"{input}: {reassembler.Counters.BytesDelivered} bytes delivered of {segments.Sum(s => (long)s.PayloadLength)}");
        }
    }
}
