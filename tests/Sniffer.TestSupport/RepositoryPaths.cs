namespace Sniffer.TestSupport;

/// <summary>Finds the repository and the optional reference captures beside it, whatever the test's working folder.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The folder holding Sniffer.sln.</summary>
    public static string Root => RootPath.Value;

    /// <summary>The project's own captures (<c>captures/</c>).</summary>
    public static string Captures => Path.Combine(Root, "captures");

    /// <summary><c>../shared/captures</c> beside the checkout, or null when absent (a user's clone does not have it).</summary>
    public static string? SharedCaptures
    {
        get
        {
            string candidate = Path.GetFullPath(Path.Combine(Root, "..", "shared", "captures"));
            return Directory.Exists(candidate) ? candidate : null;
        }
    }

    /// <summary>A path inside the shared captures; only call from tests guarded by <see cref="SharedCapturesFactAttribute"/>.</summary>
    public static string Shared(string relativePath) =>
        Path.Combine(SharedCaptures ?? throw new InvalidOperationException("../shared/captures is absent"), relativePath);

    /// <summary>
    /// Every capture under <c>peers/</c> and <c>real/</c> of the shared captures, as paths relative to them in ordinal
    /// order (stable theory names); empty when they are absent.
    /// </summary>
    public static IReadOnlyList<string> SharedCaptureFiles()
    {
        if (SharedCaptures is not { } root) return [];
        return new[] { "peers", "real" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*.pcap*", SearchOption.AllDirectories))
            .Select(path => Path.GetRelativePath(root, path))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sniffer.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Sniffer.sln not found above " + AppContext.BaseDirectory);
    }
}
