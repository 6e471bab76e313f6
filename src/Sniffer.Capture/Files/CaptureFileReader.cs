using System.IO.Compression;
using Sniffer.Core.Packets;

namespace Sniffer.Capture.Files;

/// <summary>
/// Reads a pcap or pcapng capture file, gzip-compressed or not, frame by frame without allocating per frame.
/// The format is recognised by its magic number, never by the file name.
/// </summary>
/// <remarks>
/// <para>Frames are lent from one reused buffer: a <see cref="CaptureFrame"/> is valid until the next call to
/// <see cref="TryReadNext"/>. Copy what you keep.</para>
/// <para>A cut-short last record (a capture still being written, a partial download) ends the reading normally
/// and adds a <see cref="ReaderWarning"/>. A record whose framing cannot be trusted makes <see cref="TryReadNext"/>
/// throw <see cref="CaptureFileException"/> naming its offset; the frames before it were sound, and later calls
/// return false. Problems of the file itself (missing, unreadable, not a capture) throw
/// <see cref="CaptureFileException"/> from <see cref="Open"/>. No other exception type escapes on any input.</para>
/// <para>pcapng Simple Packet Blocks carry no timestamp; their frames have <see cref="CaptureFrame.TimestampNs"/> 0.</para>
/// </remarks>
public sealed class CaptureFileReader : IDisposable
{
    private readonly FileStream _file;
    private readonly CaptureInput _input;
    private readonly CaptureFormatDecoder _decoder;
    private readonly List<ReaderWarning> _warnings;
    private readonly List<CaptureInterface> _interfaces;
    private bool _finished;

    private CaptureFileReader(string path, FileStream file, bool isCompressed, CaptureInput input, CaptureFormatDecoder decoder,
        List<ReaderWarning> warnings, List<CaptureInterface> interfaces)
    {
        Path = path;
        _file = file;
        IsCompressed = isCompressed;
        FileSize = file.Length;
        _input = input;
        _decoder = decoder;
        _warnings = warnings;
        _interfaces = interfaces;
    }

    public string Path { get; }

    public CaptureFileFormat Format => _decoder.Format;

    /// <summary>True when the file is gzip-compressed and read through a decompressor.</summary>
    public bool IsCompressed { get; }

    /// <summary>Size of the file on disk (compressed size for .gz).</summary>
    public long FileSize { get; }

    /// <summary>Bytes taken from the file on disk so far (compressed bytes for .gz); with <see cref="FileSize"/>, the progress.</summary>
    /// <remarks>Reads run ahead of the frames handed out by up to one buffer (1 MiB).</remarks>
    public long BytesRead => _file.Position;

    /// <summary>Offset in the (decompressed) capture data of the next record; warnings and errors use the same offsets.</summary>
    public long Position => _input.Position;

    /// <summary>Frames handed out so far; also the <see cref="CaptureFrame.FrameNumber"/> of the last one.</summary>
    public long FramesRead { get; private set; }

    /// <summary>
    /// The interfaces described so far: the pcap file header's, or each pcapng Interface Description Block in
    /// order of appearance (the list grows as reading reaches later blocks and sections).
    /// </summary>
    public IReadOnlyList<CaptureInterface> Interfaces => _interfaces;

    /// <summary>The snaplen of the first interface (the pcap header's); 0 when pcapng set none or no interface is described yet.</summary>
    public long SnapLength => _interfaces.Count > 0 ? _interfaces[0].SnapLength : 0;

    /// <summary>Oddities met so far that did not stop the reading.</summary>
    public IReadOnlyList<ReaderWarning> Warnings => _warnings;

    /// <summary>Opens <paramref name="path"/> and reads its file header (pcap) or first section header (pcapng).</summary>
    /// <exception cref="CaptureFileException">The file is missing, unreadable, not a capture, or its header is cut short or invalid.</exception>
    public static CaptureFileReader Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        FileStream file = OpenFile(path);
        CaptureInput? input = null;
        try
        {
            bool isCompressed = StartsWithGzipMagic(file, path);
            input = new CaptureInput(isCompressed ? new GZipStream(file, CompressionMode.Decompress) : file);
            var warnings = new List<ReaderWarning>();
            var interfaces = new List<CaptureInterface>();
            CaptureFormatDecoder decoder = OpenDecoder(input, path, isCompressed, warnings, interfaces);
            return new CaptureFileReader(path, file, isCompressed, input, decoder, warnings, interfaces);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Dispose(input, file);
            throw new CaptureFileException(path, null, $"cannot read: {e.Message}", e);
        }
        catch
        {
            Dispose(input, file);
            throw;
        }
    }

    /// <summary>
    /// Reads the next frame into <paramref name="frame"/>, lent until the next call. False at the end of the
    /// capture (check <see cref="Warnings"/> for a cut-short last record).
    /// </summary>
    /// <exception cref="CaptureFileException">A record's framing is corrupt, or the (compressed) data cannot be read.</exception>
    public bool TryReadNext(out CaptureFrame frame)
    {
        frame = default;
        if (_finished) return false;
        try
        {
            if (_decoder.TryReadNext(FramesRead + 1, out frame))
            {
                FramesRead++;
                return true;
            }
            _finished = true;
            return false;
        }
        catch (CaptureFileException)
        {
            _finished = true;
            throw;
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            // InvalidDataException: the gzip layer found corrupt compressed data.
            _finished = true;
            throw new CaptureFileException(Path, _input.Position, $"cannot read on: {e.Message}", e);
        }
    }

    public void Dispose() => _input.Dispose();

    private static FileStream OpenFile(string path)
    {
        try
        {
            // bufferSize 0: CaptureInput already reads in large blocks; a FileStream buffer would only add a copy.
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CaptureFileException(path, null, $"cannot open: {e.Message}", e);
        }
    }

    private static bool StartsWithGzipMagic(FileStream file, string path)
    {
        if (!file.CanSeek) throw new CaptureFileException(path, null, "not a regular file (cannot seek)");
        Span<byte> start = stackalloc byte[2];
        int read = file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        file.Position = 0;
        return CaptureFileSignature.IsGzip(start[..read]);
    }

    private static CaptureFormatDecoder OpenDecoder(CaptureInput input, string path, bool isCompressed,
        List<ReaderWarning> warnings, List<CaptureInterface> interfaces)
    {
        input.TryEnsure(CaptureFileSignature.MagicLength);
        return (input.Available >= CaptureFileSignature.MagicLength ? CaptureFileSignature.Recognise(input.Window) : null) switch
        {
            CaptureFileFormat.Pcap => PcapRecordDecoder.Open(input, path, warnings, interfaces),
            CaptureFileFormat.PcapNg => PcapNgBlockDecoder.Open(input, path, warnings, interfaces),
            _ => throw new CaptureFileException(path, null,
                $"not a pcap or pcapng file{(isCompressed ? " (after gunzip)" : "")}: {CaptureFileSignature.DescribeNonCapture(input.Window)}"),
        };
    }

    private static void Dispose(CaptureInput? input, FileStream file)
    {
        if (input is not null) input.Dispose();
        else file.Dispose();
    }
}
