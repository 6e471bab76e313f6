using Sniffer.Capture.Files;
using Sniffer.Core.Packets;
using Sniffer.Core.Records;
using Sniffer.Engine;
using Sniffer.TestSupport;
using Sniffer.TestSupport.CaptureFiles;
using Sniffer.TestSupport.Synthesis;

namespace Sniffer.Hardening.Tests.Support;

/// <summary>What the whole pipeline made of one capture: its records, its counters and how the reading ended.</summary>
/// <param name="KeptBytesHeld">What unfinished entities still kept once the capture was over: all of it should have been given back.</param>
public sealed record AnalysisOutcome(IReadOnlyList<SnifferRecord> Records, PipelineStatistics Statistics, long Frames,
    IReadOnlyList<ReaderWarning> Warnings, CaptureFileException? Error, long AllocatedBytes, long KeptBytesHeld)
{
    public IEnumerable<T> Of<T>() => Records.OfType<T>();

    public IReadOnlyList<string> AnomalyKinds => Of<Anomaly>().Select(a => a.Kind).ToList();
}

/// <summary>Runs capture bytes through the reader and the full analysis pipeline (decode, reassemble, dissect, analyse).</summary>
public static class CaptureAnalysis
{
    /// <param name="afterEachFrame">Looks at the pipeline after each frame (its gauges between packets).</param>
    public static AnalysisOutcome Run(byte[] capture, PipelineOptions? options = null, Action<AnalysisPipeline>? afterEachFrame = null)
    {
        using TemporaryFile file = TemporaryFile.WithContent(capture, ".pcap");
        return RunFile(file.Path, options, afterEachFrame);
    }

    public static AnalysisOutcome RunFile(string path, PipelineOptions? options = null, Action<AnalysisPipeline>? afterEachFrame = null)
    {
        var sink = new ListSink();
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var pipeline = new AnalysisPipeline(options ?? new PipelineOptions(), sink);
        CaptureFileReader? reader = null;
        try
        {
            reader = CaptureFileReader.Open(path);
            while (reader.TryReadNext(out CaptureFrame frame))
            {
                pipeline.Process(frame);
                afterEachFrame?.Invoke(pipeline);
            }
            pipeline.Complete();
            return new AnalysisOutcome(sink.Records, pipeline.Statistics, reader.FramesRead, reader.Warnings.ToList(), null,
                GC.GetAllocatedBytesForCurrentThread() - allocatedBefore, pipeline.KeptBytesHeld);
        }
        catch (CaptureFileException error)
        {
            pipeline.Complete();
            return new AnalysisOutcome(sink.Records, pipeline.Statistics, reader?.FramesRead ?? 0, reader?.Warnings.ToList() ?? [], error,
                GC.GetAllocatedBytesForCurrentThread() - allocatedBefore, pipeline.KeptBytesHeld);
        }
        finally
        {
            reader?.Dispose();
        }
    }

    /// <summary>A pcap (Ethernet, microseconds) of the conversations' frames merged in time order.</summary>
    public static byte[] Pcap(params TcpConversation[] conversations)
    {
        var builder = new PcapFileBuilder();
        foreach (SyntheticFrame frame in conversations.SelectMany(c => c.Frames).OrderBy(f => f.TimestampNs))
        {
            long microseconds = frame.TimestampNs / 1000;
            builder.AddPacket(frame.Bytes, (uint)(microseconds / 1_000_000), (uint)(microseconds % 1_000_000));
        }
        return builder.ToArray();
    }
}
