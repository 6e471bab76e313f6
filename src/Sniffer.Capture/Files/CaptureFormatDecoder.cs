using Sniffer.Core.Packets;
using Sniffer.Core.Records;

namespace Sniffer.Capture.Files;

/// <summary>
/// Reads one container format's records from a <see cref="CaptureInput"/>. Returns false at the end of the
/// data, after noting a cut-short last record as a warning; throws <see cref="CaptureFileException"/> on
/// framing it cannot trust, since nothing after such a record can be located reliably.
/// </summary>
internal abstract class CaptureFormatDecoder
{
    /// <summary>
    /// The largest record either format may claim. Wireshark refuses pcapng blocks over 16 MiB and pcap
    /// records far smaller; anything bigger is corruption, and refusing it bounds the memory a hostile file can cost.
    /// </summary>
    public const int MaxRecordLength = 16 * 1024 * 1024;

    private bool _warnedOriginalShorterThanCaptured;

    protected CaptureFormatDecoder(CaptureInput input, string path, List<ReaderWarning> warnings, List<CaptureInterface> interfaces)
    {
        Input = input;
        Path = path;
        Warnings = warnings;
        Interfaces = interfaces;
    }

    public abstract CaptureFileFormat Format { get; }

    protected CaptureInput Input { get; }

    protected string Path { get; }

    protected List<ReaderWarning> Warnings { get; }

    protected List<CaptureInterface> Interfaces { get; }

    public abstract bool TryReadNext(long frameNumber, out CaptureFrame frame);

    /// <summary>Notes the cut-short last record and ends the reading normally.</summary>
    protected bool EndAtTruncatedRecord(long offset, string detail)
    {
        Warnings.Add(new ReaderWarning(offset, AnomalyKinds.TruncatedRecord, detail));
        return false;
    }

    protected CaptureFileException CorruptRecord(long offset, string detail) => new(Path, offset, detail);

    /// <summary>Keeps a frame whose captured bytes exceed its original length, noting the first such frame.</summary>
    protected int ReconcileOriginalLength(long offset, uint originalLength, int capturedLength)
    {
        if (originalLength >= capturedLength) return (int)Math.Min(originalLength, int.MaxValue);
        if (!_warnedOriginalShorterThanCaptured)
        {
            // Some writers get this wrong; libpcap and Wireshark read such frames, and so do we, reporting the
            // captured length as the original so that "bytes missing" never goes negative downstream.
            _warnedOriginalShorterThanCaptured = true;
            Warnings.Add(new ReaderWarning(offset, AnomalyKinds.CorruptRecord,
                $"original length {originalLength} is smaller than the {capturedLength} bytes captured (first such frame; later ones not reported)"));
        }
        return capturedLength;
    }
}
