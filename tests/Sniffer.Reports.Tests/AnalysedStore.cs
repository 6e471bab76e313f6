using Sniffer.Capture.Files;
using Sniffer.Core.Packets;
using Sniffer.Engine;
using Sniffer.Reports.Store;
using Sniffer.Storage;
using Sniffer.TestSupport.Synthesis;

namespace Sniffer.Reports.Tests;

/// <summary>
/// A real session database made the way <c>sniffer open</c> makes one: a capture analysed by the Engine into a
/// LiteDB file through the store's writer, in a temporary folder deleted with everything in it.
/// </summary>
public sealed class AnalysedStore : IDisposable
{
    private AnalysedStore(string folder, string capture)
    {
        Folder = folder;
        Capture = capture;
        DatabasePath = Path.Combine(folder, "session.sniffer.db");
        using (var writer = SessionStoreWriter.Open(DatabasePath))
        using (var pipeline = new AnalysisPipeline(new PipelineOptions(), writer))
        {
            writer.BeginCapture(new CaptureSource(capture));
            CaptureFileAnalysis.Read([capture], pipeline);
            writer.EndCapture(new CaptureTotals(pipeline.Statistics.FirstPacketNs, pipeline.Statistics.LastPacketNs,
                new Dictionary<string, long> { ["frames"] = pipeline.Statistics.Decoding.Frames }));
        }
        Reader = SessionStoreReader.Open(DatabasePath);
        Cursor = new StoreCursor(Reader);
    }

    public string Folder { get; }

    /// <summary>The capture the database was made from (its <c>captures.source</c>).</summary>
    public string Capture { get; }

    public string DatabasePath { get; }

    public SessionStoreReader Reader { get; }

    public StoreCursor Cursor { get; }

    public static AnalysedStore FromCapture(string capture) => new(NewFolder(), capture);

    /// <summary>Writes the frames as a pcap in the store's folder, then analyses it.</summary>
    public static AnalysedStore FromFrames(IEnumerable<SyntheticFrame> frames)
    {
        string folder = NewFolder();
        string capture = Path.Combine(folder, "synthesised.pcap");
        using (PcapFileWriter writer = PcapFileWriter.Create(capture, LinkType.Ethernet, precision: PcapTimestampPrecision.Nanoseconds))
        {
            foreach (SyntheticFrame frame in frames.OrderBy(f => f.TimestampNs)) writer.Write(frame.Bytes, frame.Bytes.Length, frame.TimestampNs);
        }
        return new AnalysedStore(folder, capture);
    }

    /// <summary>A path in the store's folder for a test's outputs.</summary>
    public string File(string name) => Path.Combine(Folder, name);

    public void Dispose()
    {
        Reader.Dispose();
        Directory.Delete(Folder, recursive: true);
    }

    private static string NewFolder() => Directory.CreateTempSubdirectory("sniffer-reports-").FullName;
}
