using System.Diagnostics;
using Sniffer.Capture.Files;
using Sniffer.Core.Dissection;
using Sniffer.Core.Packets;
using Sniffer.Core.Records;
using Sniffer.Decoding;
using Sniffer.Reassembly;

namespace Sniffer.Engine;

/// <summary>How far down the hot path a benchmark goes.</summary>
public enum BenchmarkStage
{
    /// <summary>Read and decode to TCP segments.</summary>
    Read,

    /// <summary>… and reassemble, with no dissector bound.</summary>
    Reassemble,

    /// <summary>… and dissect with every built-in dissector (no analyses, nothing stored).</summary>
    Dissect,
}

public sealed record ReadBenchmarkResult(long Packets, long Bytes, long TcpSegments, long Flows, TimeSpan Elapsed, long AllocatedBytes)
{
    public double PacketsPerSecond => Packets / Elapsed.TotalSeconds;
    public double BytesPerSecond => Bytes / Elapsed.TotalSeconds;
    public double AllocatedBytesPerPacket => Packets == 0 ? 0 : (double)AllocatedBytes / Packets;
}

/// <summary>
/// Times the hot path up to a <see cref="BenchmarkStage"/> on the calling thread, counting the bytes it allocates.
/// File bytes are counted as captured (what was read), as tcpdump -r reports throughput.
/// </summary>
public static class ReadBenchmark
{
    public static ReadBenchmarkResult Run(string path, BenchmarkStage stage, DissectorSettings? dissectors = null)
    {
        using CaptureFileReader reader = CaptureFileReader.Open(path);
        long packets = 0, bytes = 0, lastNs = 0;
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        if (stage == BenchmarkStage.Dissect)
        {
            using var pipeline = new AnalysisPipeline(new PipelineOptions { RunAnalyses = false, Dissectors = dissectors ?? DissectorSettings.Default }, DiscardSink.Instance);
            while (reader.TryReadNext(out CaptureFrame frame))
            {
                packets++;
                bytes += frame.Data.Length;
                pipeline.Process(frame);
            }
            pipeline.Complete();
            clock.Stop();
            return Result(pipeline.Statistics.Decoding, pipeline.Statistics.Reassembly);
        }

        var decoder = new PacketDecoder(DecoderSettings.Default, DiscardSink.Instance);
        TcpReassembler? reassembler = stage == BenchmarkStage.Reassemble
            ? new TcpReassembler(ReassemblyOptions.Default, new DissectorRegistry(), DiscardSink.Instance)
            : null;
        while (reader.TryReadNext(out CaptureFrame frame))
        {
            packets++;
            bytes += frame.Data.Length;
            lastNs = frame.TimestampNs;
            if (decoder.Decode(frame, out TcpSegment segment) == DecodeResult.Tcp) reassembler?.Process(segment);
        }
        reassembler?.Complete(lastNs);
        clock.Stop();
        return Result(decoder.Counters, reassembler?.Counters);

        ReadBenchmarkResult Result(DecoderCounters decoding, ReassemblyCounters? reassembly) => new(
            packets, bytes, decoding.TcpSegments, reassembly?.FlowsSeen ?? 0, clock.Elapsed,
            GC.GetAllocatedBytesForCurrentThread() - allocatedBefore);
    }

    private sealed class DiscardSink : IRecordSink
    {
        public static readonly DiscardSink Instance = new();
        public void Emit(SnifferRecord record) { }
    }
}
