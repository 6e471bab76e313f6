using System.Buffers;
using BenchmarkDotNet.Attributes;
using Sniffer.Benchmarks.Support;
using Sniffer.Benchmarks.Traffic;
using Sniffer.Core.Dissection;
using Sniffer.Core.IO;
using Sniffer.Dissectors.Imap.Parsing;

namespace Sniffer.Benchmarks;

/// <summary>
/// <see cref="ImapTokenizer"/> framing a server's responses to SELECT and FETCH (seven untagged and tagged lines, one
/// FETCH response carrying a 10 KB BODY[] literal, its tagged completion) into logical lines with their tokens and
/// literal: once with everything in one buffer, once in MTU-sized segments, where the literal arrives in pieces and
/// each incomplete physical line is offered again.
/// </summary>
[MemoryDiagnoser]
public class ImapTokenizerBenchmarks
{
    private const int SegmentSize = 1460;
    private static readonly byte[] Responses = ImapTraffic.SelectAndFetchResponses();

    public static long ResponseBytes => Responses.Length;

    [GlobalSetup]
    public void Setup()
    {
        if (WholeBuffer() != ImapTraffic.LogicalLines || MtuSegments() != ImapTraffic.LogicalLines)
        {
            throw new InvalidOperationException($"the responses did not frame into {ImapTraffic.LogicalLines} lines");
        }
    }

    [Benchmark(Baseline = true)]
    [BytesPerOperation(nameof(ResponseBytes))]
    public int WholeBuffer() => Tokenise(Responses.Length);

    [Benchmark]
    [BytesPerOperation(nameof(ResponseBytes))]
    public int MtuSegments() => Tokenise(SegmentSize);

    /// <summary>Offers the bytes as they would arrive in segments of <paramref name="segmentSize"/>; returns the logical lines read.</summary>
    private static int Tokenise(int segmentSize)
    {
        var tokenizer = new ImapTokenizer(ImapLineKind.Response, DissectorSettings.Default, KeptBytesBudget.Unlimited);
        int lines = 0, consumed = 0;
        for (int delivered = Math.Min(segmentSize, Responses.Length); ; delivered = Math.Min(delivered + segmentSize, Responses.Length))
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Responses, consumed, delivered - consumed));
            ImapReadStatus status;
            while ((status = tokenizer.TryRead(ref reader, ZeroClock.Instance, out _)) == ImapReadStatus.Line) lines++;
            if (status != ImapReadStatus.NeedMoreData) throw new InvalidOperationException($"tokenizer reported {status}");
            consumed += (int)reader.Consumed;
            if (delivered == Responses.Length) return lines;
        }
    }

    /// <summary>The tokenizer stamps lines with capture times; the benchmark has none to give.</summary>
    private sealed class ZeroClock : IStreamClock
    {
        public static readonly ZeroClock Instance = new();

        public long TimeAt(long relativeOffset) => 0;

        public long StreamOffsetOf(long relativeOffset) => relativeOffset;
    }
}
