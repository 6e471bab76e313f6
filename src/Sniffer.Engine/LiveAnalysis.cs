using System.Diagnostics;
using Sniffer.Capture.Live;

namespace Sniffer.Engine;

/// <param name="SaveError">Why saving the capture to its file stopped early (<see cref="LiveCapture.SaveError"/>), or null.</param>
public sealed record LiveCaptureResult(LiveCaptureCounters Counters, long PacketsAnalysed, TimeSpan Elapsed, string StopReason, string? SaveError);

/// <summary>
/// Drains a <see cref="LiveCapture"/> on the caller's thread through the pipeline. The capture saves its own file
/// (<see cref="LiveCaptureOptions.SaveTo"/>) before this queue, so what the analysis drops is still in the file.
/// </summary>
public static class LiveAnalysis
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public static LiveCaptureResult Run(
        LiveCapture capture, AnalysisPipeline pipeline, TimeSpan? duration, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        long analysed = 0;
        string reason = "interrupted";
        var packets = capture.Packets;
        try
        {
            while (true)
            {
                if (cancellation.IsCancellationRequested) { reason = "interrupted"; break; }
                if (duration is { } limit && clock.Elapsed >= limit) { reason = $"duration {limit.TotalSeconds:0.###} s reached"; break; }
                // The capture itself takes no more than its packet limit; the packets it took are analysed first.
                if (capture.PacketLimit is { } count && capture.PacketsTaken >= count && !packets.TryPeek(out _)) { reason = $"{count} packets captured"; break; }

                if (packets.TryRead(out CapturedPacket packet))
                {
                    Take(capture, pipeline, packet, ref analysed);
                    continue;
                }
                TimeSpan wait = duration is { } remaining ? Min(PollInterval, remaining - clock.Elapsed) : PollInterval;
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

        // Packets libpcap handed over before the stop are analysed too.
        while (packets.TryRead(out CapturedPacket late)) Take(capture, pipeline, late, ref analysed);
        pipeline.Complete();
        return new LiveCaptureResult(capture.Counters, analysed, clock.Elapsed, reason, capture.SaveError);
    }

    private static void Take(LiveCapture capture, AnalysisPipeline pipeline, CapturedPacket packet, ref long analysed)
    {
        try
        {
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
