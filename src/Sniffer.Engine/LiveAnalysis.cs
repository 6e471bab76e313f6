using System.Diagnostics;
using Sniffer.Capture.Files;
using Sniffer.Capture.Live;

namespace Sniffer.Engine;

/// <summary>When a live capture stops by itself: after a duration, after a packet count, or never (Ctrl-C only).</summary>
public readonly record struct LiveStopConditions(TimeSpan? Duration, long? Count);

public sealed record LiveCaptureResult(LiveCaptureCounters Counters, long PacketsAnalysed, long PacketsWritten, TimeSpan Elapsed, string StopReason);

/// <summary>
/// Drains a <see cref="LiveCapture"/> on the caller's thread: every packet goes to the pcap writer first
/// (so the file has it whatever the analysis does), then through the pipeline.
/// </summary>
public static class LiveAnalysis
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public static LiveCaptureResult Run(
        LiveCapture capture, AnalysisPipeline pipeline, PcapFileWriter? writer, LiveStopConditions stop, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        long analysed = 0, written = 0;
        string reason = "interrupted";
        var packets = capture.Packets;
        try
        {
            while (true)
            {
                if (cancellation.IsCancellationRequested) { reason = "interrupted"; break; }
                if (stop.Duration is { } duration && clock.Elapsed >= duration) { reason = $"duration {duration.TotalSeconds:0.###} s reached"; break; }
                if (stop.Count is { } count && analysed >= count) { reason = $"{count} packets captured"; break; }

                if (packets.TryRead(out CapturedPacket packet))
                {
                    Take(capture, pipeline, writer, packet, ref analysed, ref written);
                    continue;
                }
                TimeSpan wait = stop.Duration is { } limit ? Min(PollInterval, limit - clock.Elapsed) : PollInterval;
                if (wait > TimeSpan.Zero && !WaitForPackets(packets, wait, cancellation))
                {
                    // Nothing arrived: the wall clock moves the flow table on (closed flows are stored promptly).
                    pipeline.AdvanceClock(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000);
                }
            }
        }
        finally
        {
            capture.Stop();
        }

        // Packets libpcap handed over before the stop are kept, unless a count was asked for.
        while (packets.TryRead(out CapturedPacket late))
        {
            if (stop.Count is { } count && analysed >= count)
            {
                capture.Return(late);
                continue;
            }
            Take(capture, pipeline, writer, late, ref analysed, ref written);
        }
        writer?.Flush();
        pipeline.Complete();
        return new LiveCaptureResult(capture.Counters, analysed, written, clock.Elapsed, reason);
    }

    private static void Take(LiveCapture capture, AnalysisPipeline pipeline, PcapFileWriter? writer, CapturedPacket packet, ref long analysed, ref long written)
    {
        try
        {
            if (writer is not null)
            {
                writer.Write(packet.Data, packet.OriginalLength, packet.TimestampNs);
                written++;
            }
            pipeline.Process(packet.AsFrame(capture.LinkType));
            analysed++;
        }
        finally
        {
            capture.Return(packet);
        }
    }

    /// <summary>True when packets arrived within <paramref name="wait"/>.</summary>
    private static bool WaitForPackets(System.Threading.Channels.ChannelReader<CapturedPacket> packets, TimeSpan wait, CancellationToken cancellation)
    {
        try
        {
            return packets.WaitToReadAsync(cancellation).AsTask().Wait(wait, cancellation);
        }
        catch (OperationCanceledException)
        {
            // The loop notices the cancellation itself.
            return true;
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
