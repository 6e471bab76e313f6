using System.Buffers.Binary;
using Sniffer.TestSupport;
using Xunit;

namespace Sniffer.Cli.Tests.Reports;

/// <summary>Runs only where Debian's <c>chromium</c> is installed (not in CI); says so when skipped.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        bool installed = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Any(folder => File.Exists(Path.Combine(folder, "chromium")));
        if (!installed) Skip = "chromium is not installed (apt-get install chromium); the screenshot needs a real browser";
    }
}

public sealed class HtmlScreenshotTests
{
    [ChromiumFact]
    public void The_html_report_of_the_demo_capture_renders_in_headless_chromium_to_a_full_screenshot()
    {
        string folder = Directory.CreateTempSubdirectory("sniffer-screenshot-").FullName;
        try
        {
            string png = Path.Combine(folder, "report.png");
            ProcessResult script = ExternalProgram.Run("sh",
                [Path.Combine(RepositoryPaths.Root, "tests", "tools", "html-report-screenshot.sh"), Path.Combine(RepositoryPaths.Captures, "demo.pcap"), png, "1200x1600"],
                TimeSpan.FromMinutes(2),
                new Dictionary<string, string> { ["SNIFFER"] = "dotnet " + Path.Combine(AppContext.BaseDirectory, "sniffer.dll") });

            Assert.True(script.ExitCode == 0, script.StandardError);
            byte[] image = File.ReadAllBytes(png);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], image[..8]); // PNG signature (§5.2)
            // IHDR (PNG §11.2.2): width and height right after the chunk's length and type.
            Assert.Equal(1200, BinaryPrimitives.ReadInt32BigEndian(image.AsSpan(16)));
            Assert.Equal(1600, BinaryPrimitives.ReadInt32BigEndian(image.AsSpan(20)));
            // A blank page compresses to a few kilobytes; the report's tables and charts do not.
            Assert.True(image.Length > 30_000, $"{image.Length} bytes: the page looks blank");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
