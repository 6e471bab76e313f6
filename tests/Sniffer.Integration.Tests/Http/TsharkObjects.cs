using System.Diagnostics;
using System.Security.Cryptography;
using Sniffer.TestSupport;

namespace Sniffer.Integration.Tests.Http;

/// <summary>
/// tshark's <c>--export-objects http</c> (the command in <c>real-truth/&lt;capture&gt;/COMMANDS.txt</c>): every request
/// and response body, de-chunked and decompressed. The truth folders do not keep the objects, so they are exported
/// afresh into a temporary folder when tshark is installed.
/// </summary>
public static class TsharkObjects
{
    public static bool Available { get; } = FindTshark() is not null;

    /// <summary>"md5 size" of each exported object, sorted (names are tshark's invention and carry no meaning).</summary>
    public static List<string> Export(string capture)
    {
        string folder = Path.Combine(Path.GetTempPath(), "sniffer-tshark-objects-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var start = new ProcessStartInfo(FindTshark()!)
            {
                ArgumentList =
                {
                    "-r", capture, "-d", "tcp.port==18080,http", "-d", "tcp.port==18081,http",
                    "-q", "--export-objects", "http," + folder,
                },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using Process tshark = Process.Start(start)!;
            tshark.StandardOutput.ReadToEnd();
            string errors = tshark.StandardError.ReadToEnd();
            tshark.WaitForExit();
            Assert.True(tshark.ExitCode == 0, $"tshark failed: {errors}");
            return Directory.GetFiles(folder).Select(f => Describe(File.ReadAllBytes(f))).Order(StringComparer.Ordinal).ToList();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public static string Describe(ReadOnlySpan<byte> content) => $"{Convert.ToHexStringLower(MD5.HashData(content))} {content.Length}";

    private static string? FindTshark() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "tshark"))
            .FirstOrDefault(File.Exists);
}

/// <summary>A theory that needs both <c>../shared/captures</c> and tshark on the PATH.</summary>
public sealed class SharedCapturesAndTsharkTheoryAttribute : TheoryAttribute
{
    public SharedCapturesAndTsharkTheoryAttribute()
    {
        if (RepositoryPaths.SharedCaptures is null) Skip = SkipReasons.NoSharedCaptures;
        else if (!TsharkObjects.Available) Skip = "tshark is not installed: its exported objects are the reference";
    }
}
