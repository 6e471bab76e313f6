namespace Sniffer.Reports.Export;

/// <summary>Creates output files without ever replacing one silently: an existing file needs <c>force</c>.</summary>
public static class OutputFiles
{
    public static FileStream Create(string path, bool force)
    {
        try
        {
            return new FileStream(path, force ? FileMode.Create : FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 16);
        }
        catch (IOException) when (!force && File.Exists(path))
        {
            throw new ExportException($"{path} exists; use --force to overwrite it");
        }
    }

    /// <summary>Creates the folder if needed and returns its full path with a trailing separator.</summary>
    public static string Folder(string path)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(full);
        return Path.EndsInDirectorySeparator(full) ? full : full + Path.DirectorySeparatorChar;
    }
}
