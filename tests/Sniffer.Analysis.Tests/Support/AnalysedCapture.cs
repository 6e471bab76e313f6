using Sniffer.Analysis.Http;
using Sniffer.Capture.Files;
using Sniffer.Core.Packets;
using Sniffer.Engine;
using Sniffer.TestSupport;
using Sniffer.TestSupport.CaptureFiles;
using Sniffer.TestSupport.Synthesis;

namespace Sniffer.Analysis.Tests.Support;

/// <summary>What the whole pipeline, with the analysis tapped in front of a list, made of a capture.</summary>
public sealed record AnalysedCapture(HttpAnalysisReport Report, ListSink Sink)
{
    /// <summary>Writes the conversations' frames, merged in time order, to a pcap and analyses it.</summary>
    public static AnalysedCapture Of(params TcpConversation[] conversations)
    {
        using var output = new MemoryStream();
        using (var writer = new PcapFileWriter(output, LinkType.Ethernet, leaveOpen: true))
        {
            foreach (SyntheticFrame frame in conversations.SelectMany(c => c.Frames).OrderBy(f => f.TimestampNs))
                writer.Write(frame.Bytes, frame.Bytes.Length, frame.TimestampNs);
        }
        using var file = TemporaryFile.WithContent(output.ToArray(), ".pcap");
        return OfFile(file.Path);
    }

    public static AnalysedCapture OfFile(string path)
    {
        var sink = new ListSink();
        using var pipeline = new AnalysisPipeline(new PipelineOptions(), sink);
        CaptureFilesResult result = CaptureFileAnalysis.Read([path], pipeline);
        Assert.False(result.Failed, string.Join("; ", result.Files.Select(f => f.Error)));
        // Once the capture is over every flow has ended, and whatever its dissectors kept went to a record or back.
        Assert.Equal(0, pipeline.KeptBytesHeld);
        return new AnalysedCapture(pipeline.HttpReport!, sink);
    }
}
