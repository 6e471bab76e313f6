using Sniffer.Capture.Files;
using Sniffer.Core.Packets;

namespace Sniffer.Engine;

/// <summary>How one file went: its format, the warnings it raised, and the error that stopped it, if any.</summary>
public sealed record CaptureFileOutcome(string Path, string? Format, long Frames, IReadOnlyList<ReaderWarning> Warnings, string? Error);

public sealed record CaptureFilesResult(IReadOnlyList<CaptureFileOutcome> Files)
{
    /// <summary>True when any file could not be read at all or stopped on a corrupt record.</summary>
    public bool Failed => Files.Any(f => f.Error is not null);
}

/// <summary>Feeds capture files, one after another, through one pipeline — as tshark -r does with mergecap's output.</summary>
public static class CaptureFileAnalysis
{
    public static CaptureFilesResult Read(IReadOnlyList<string> paths, AnalysisPipeline pipeline, CancellationToken cancellation = default)
    {
        var outcomes = new List<CaptureFileOutcome>(paths.Count);
        foreach (string path in paths)
        {
            outcomes.Add(ReadOne(path, pipeline, cancellation));
            if (cancellation.IsCancellationRequested) break;
        }
        pipeline.Complete();
        return new CaptureFilesResult(outcomes);
    }

    private static CaptureFileOutcome ReadOne(string path, AnalysisPipeline pipeline, CancellationToken cancellation)
    {
        CaptureFileReader reader;
        try
        {
            reader = CaptureFileReader.Open(path);
        }
        catch (CaptureFileException error)
        {
            return new CaptureFileOutcome(path, null, 0, [], error.Message);
        }
        using (reader)
        {
            long frames = 0;
            string? failure = null;
            try
            {
                while (reader.TryReadNext(out CaptureFrame frame))
                {
                    frames++;
                    pipeline.Process(frame);
                    // Checking every frame would cost a volatile read per packet; 64 K frames is a few milliseconds.
                    if ((frames & 0xFFFF) == 0 && cancellation.IsCancellationRequested) break;
                }
            }
            catch (CaptureFileException error)
            {
                failure = error.Message;
            }
            return new CaptureFileOutcome(path, reader.Format.ToString(), frames, reader.Warnings.ToList(), failure);
        }
    }
}
