using System.Diagnostics;
using Sniffer.Capture.Files;
using Sniffer.Core.Dissection;
using Sniffer.Core.Packets;
using Sniffer.Core.Records;
using Sniffer.Decoding;

namespace Sniffer.Engine;

public sealed record ReadBenchmarkResult(long Packets, long Bytes, long TcpSegments, long TcpPayloadBytes, TimeSpan Elapsed, long AllocatedBytes)
{
    public double PacketsPerSecond => Packets / Elapsed.TotalSeconds;
    public double BytesPerSecond => Bytes / Elapsed.TotalSeconds;
    public double AllocatedBytesPerPacket => Packets == 0 ? 0 : (double)AllocatedBytes / Packets;
}

/// <summary>
/// Times the read → decode-to-TCP-segment path on the calling thread, counting the bytes it allocates.
/// File bytes are counted as captured (what was read), as tcpdump -r reports throughput.
/// </summary>
public static class ReadBenchmark
{
    public static ReadBenchmarkResult Run(string path)
    {
        var decoder = new PacketDecoder(DecoderSettings.Default, DiscardSink.Instance);
        using CaptureFileReader reader = CaptureFileReader.Open(path);
        long packets = 0, bytes = 0, segments = 0, payloadBytes = 0;
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        while (reader.TryReadNext(out CaptureFrame frame))
        {
            packets++;
            bytes += frame.Data.Length;
            if (decoder.Decode(frame, out TcpSegment segment) == DecodeResult.Tcp)
            {
                segments++;
                payloadBytes += segment.Payload.Length;
            }
        }
        clock.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        return new ReadBenchmarkResult(packets, bytes, segments, payloadBytes, clock.Elapsed, allocated);
    }

    private sealed class DiscardSink : IRecordSink
    {
        public static readonly DiscardSink Instance = new();
        public void Emit(SnifferRecord record) { }
    }
}
