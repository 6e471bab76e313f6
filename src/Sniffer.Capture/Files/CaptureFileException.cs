namespace Sniffer.Capture.Files;

/// <summary>
/// A capture file could not be opened or read on: it is missing, is not a capture, or holds a record whose
/// framing cannot be trusted. Frames handed out before the exception were sound and stay valid results.
/// </summary>
public sealed class CaptureFileException : Exception
{
    public CaptureFileException(string path, long? offset, string detail, Exception? innerException = null)
        : base(Compose(path, offset, detail), innerException)
    {
        Path = path;
        Offset = offset;
        Detail = detail;
    }

    /// <summary>The file the problem is in.</summary>
    public string Path { get; }

    /// <summary>Byte offset of the offending record in the (decompressed) capture data; null when the file could not be opened.</summary>
    public long? Offset { get; }

    /// <summary>The problem without the path and offset prefix.</summary>
    public string Detail { get; }

    private static string Compose(string path, long? offset, string detail) =>
        offset is { } at ? $"{path}: at byte offset {at}: {detail}" : $"{path}: {detail}";
}
