using System.Text;

namespace Sniffer.Reports.Export;

/// <summary>
/// Turns names taken from traffic (Content-Disposition filenames, URL segments, mail subjects) into file names
/// that can only land inside the export folder and open on any common file system: no path separators, no
/// "..", no control or reserved characters, no Windows device names, at most <see cref="MaxBytes"/> UTF-8 bytes
/// with the extension kept, and each name used once per folder (<c>name (2).ext</c>, as browsers number downloads).
/// </summary>
public sealed class SafeFileNames
{
    /// <summary>ext4 and most file systems allow 255 bytes; the margin leaves room for " (12345)".</summary>
    public const int MaxBytes = 200;

    private const int MaxExtensionChars = 16;
    private const string Forbidden = "/\\:*?\"<>|";

    // Windows device names, with or without an extension (Win32 file naming conventions).
    private static readonly HashSet<string> Reserved = new(
        ["CON", "PRN", "AUX", "NUL", .. Enumerable.Range(0, 10).SelectMany(i => new[] { $"COM{i}", $"LPT{i}" }), "COM¹", "COM²", "COM³", "LPT¹", "LPT²", "LPT³"],
        StringComparer.OrdinalIgnoreCase);

    private readonly string _folder;
    private readonly HashSet<string> _used = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="folder">The export folder; every name handed out resolves inside it.</param>
    public SafeFileNames(string folder)
    {
        _folder = OutputFiles.Folder(folder);
    }

    /// <summary>Marks a name as taken (the manifest) so no exported object is given it.</summary>
    public void Reserve(string name) => _used.Add(name);

    /// <summary>
    /// A full path inside the folder for <paramref name="wanted"/> (falling back to <paramref name="fallback"/>), unique
    /// among the names this export handed out. The same store exported twice gets the same names, so a file left by an
    /// earlier export is found by <see cref="OutputFiles.Create"/>, which refuses it without --force.
    /// </summary>
    public string Next(string? wanted, string fallback)
    {
        string name = Sanitise(wanted);
        if (name.Length == 0) name = Sanitise(fallback);
        string stem = Path.GetFileNameWithoutExtension(name), extension = Path.GetExtension(name);
        string candidate = name;
        for (int n = 2; !_used.Add(candidate); n++) candidate = $"{stem} ({n}){extension}";
        string path = Path.GetFullPath(Path.Combine(_folder, candidate));
        // Defence in depth: whatever the sanitiser missed, nothing is written outside the folder.
        if (!path.StartsWith(_folder, StringComparison.Ordinal) || Path.GetDirectoryName(path) + Path.DirectorySeparatorChar != _folder)
            throw new ExportException($"refusing to write '{candidate}' outside {_folder}");
        return path;
    }

    /// <summary>The name made safe; empty when nothing usable is left.</summary>
    /// <param name="wanted">A file name offered by the traffic, or text (a subject) to name a file after.</param>
    /// <param name="discardDirectories">
    /// For an offered file name: RFC 6266 §4.3 says to discard any directory information, so only the last segment
    /// (by either separator) is kept. For text, separators are only replaced like the other forbidden characters.
    /// </param>
    public static string Sanitise(string? wanted, bool discardDirectories = true)
    {
        if (string.IsNullOrWhiteSpace(wanted)) return "";
        string segment = discardDirectories ? wanted[(wanted.LastIndexOfAny(['/', '\\']) + 1)..] : wanted;
        var builder = new StringBuilder(segment.Length);
        foreach (Rune rune in segment.Normalize(NormalizationForm.FormC).EnumerateRunes())
        {
            bool bad = Rune.IsControl(rune) || rune.Value is >= 0x202A and <= 0x202E or >= 0x2066 and <= 0x2069 or 0xFEFF
                || (rune.IsAscii && Forbidden.Contains((char)rune.Value));
            builder.Append(bad ? "_" : rune.ToString());
        }
        string name = builder.ToString();
        while (name.Contains("..", StringComparison.Ordinal)) name = name.Replace("..", ".", StringComparison.Ordinal);
        // Leading dots hide files (and "." names the folder); trailing dots and spaces are dropped by Windows.
        name = name.Trim().TrimStart('.').TrimEnd('.', ' ');
        if (name.Length == 0) return "";
        string stem = Path.GetFileNameWithoutExtension(name), extension = Path.GetExtension(name);
        if (extension.Length > MaxExtensionChars || extension.Length == 1)
        {
            stem = name;
            extension = "";
        }
        if (Reserved.Contains(stem.Split('.')[0].TrimEnd(' '))) stem = "_" + stem;
        return Fit(stem, extension);
    }

    /// <summary>Cuts the stem (never inside a surrogate pair) until stem + extension fit in <see cref="MaxBytes"/>.</summary>
    private static string Fit(string stem, string extension)
    {
        int budget = MaxBytes - Encoding.UTF8.GetByteCount(extension);
        if (Encoding.UTF8.GetByteCount(stem) > budget)
        {
            var cut = new StringBuilder();
            int bytes = 0;
            foreach (Rune rune in stem.EnumerateRunes())
            {
                bytes += rune.Utf8SequenceLength;
                if (bytes > budget) break;
                cut.Append(rune.ToString());
            }
            stem = cut.ToString().TrimEnd('.', ' ');
        }
        return stem.Length == 0 ? "_" + extension : stem + extension;
    }
}
