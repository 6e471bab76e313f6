using Sniffer.Core.Records;
using Sniffer.Engine;
using Sniffer.Storage;

namespace Sniffer.Ui.Tests;

/// <summary>A real session database in a fresh folder: captures analysed by the Engine, plus any records a test adds.</summary>
public sealed class TestDatabase : IDisposable
{
    private readonly string _folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"sniffer-ui-{Guid.NewGuid():N}");

    public TestDatabase(IEnumerable<string> captures, IEnumerable<SnifferRecord>? extra = null)
    {
        Directory.CreateDirectory(_folder);
        Path = System.IO.Path.Combine(_folder, "ui.sniffer.db");
        using var writer = SessionStoreWriter.Open(Path);
        foreach (string capture in captures)
        {
            writer.BeginCapture(new CaptureSource(capture));
            using var pipeline = new AnalysisPipeline(new PipelineOptions(), writer);
            CaptureFileAnalysis.Read([capture], pipeline);
        }
        if (extra is not null)
        {
            writer.BeginCapture(new CaptureSource("synthetic"));
            foreach (SnifferRecord record in extra) writer.Emit(record);
        }
    }

    public string Path { get; }

    public string Folder => _folder;

    public SessionStoreReader OpenReader() => SessionStoreReader.Open(Path);

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
