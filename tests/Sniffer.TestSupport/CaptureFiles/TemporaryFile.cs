namespace Sniffer.TestSupport.CaptureFiles;

/// <summary>
/// A file with given content in the temp folder, deleted on dispose — with the session database (and its lock file)
/// that <c>sniffer capture -w</c> and <c>open</c> keep beside a capture by default; for code that only opens paths.
/// </summary>
public sealed class TemporaryFile : IDisposable
{
    private TemporaryFile(string path) => Path = path;

    public string Path { get; }

    public static TemporaryFile WithContent(ReadOnlySpan<byte> content, string extension = ".tmp")
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"sniffer-test-{Guid.NewGuid():N}{extension}");
        using (FileStream file = File.Create(path)) file.Write(content);
        return new TemporaryFile(path);
    }

    public void Dispose()
    {
        File.Delete(Path);
        File.Delete(Path + ".sniffer.db");
        File.Delete(Path + ".sniffer.db.lock");
    }
}
