using System.Security.Cryptography;
using System.Text.Json;
using Sniffer.TestSupport;
using Xunit;

namespace Sniffer.Cli.Tests.Reports;

/// <summary><c>sniffer report</c> in its new formats and <c>sniffer export</c>, run as the real executable on real files.</summary>
public sealed class ReportAndExportCommandTests : IDisposable
{
    private static readonly string KeepAlive = Path.Combine(RepositoryPaths.Captures, "tcp", "http-keepalive.pcap");
    private readonly string _folder = Directory.CreateTempSubdirectory("sniffer-cli-reports-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_capture_is_reported_as_html_through_a_temporary_database_that_is_removed_afterwards()
    {
        string html = Path.Combine(_folder, "report.html");
        // A temporary folder of its own, so reports other tests run meanwhile cannot look like leftovers.
        string temporary = Directory.CreateDirectory(Path.Combine(_folder, "tmp")).FullName;

        ProcessResult result = SnifferProcess.Run(new Dictionary<string, string> { ["TMPDIR"] = temporary }, "report", KeepAlive, "--format", "html", "-o", html);

        Assert.True(result.ExitCode == 0, result.StandardError);
        string text = File.ReadAllText(html);
        Assert.StartsWith("<!DOCTYPE html>", text);
        Assert.Contains("<h2>HTTP transactions</h2>", text);
        Assert.Contains("/logo.png", text);
        Assert.DoesNotContain("<script", text, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temporary));
    }

    [Fact]
    public void The_same_database_gives_the_same_ndjson_as_before_and_a_har_with_its_exchanges()
    {
        string db = Open(KeepAlive);
        ProcessResult ndjsonFromCapture = SnifferProcess.Run("report", KeepAlive, "--format", "ndjson");
        ProcessResult ndjsonFromDatabase = SnifferProcess.Run("report", db, "--format", "ndjson");
        ProcessResult har = SnifferProcess.Run("report", db, "--format", "har");

        Assert.Equal(0, ndjsonFromDatabase.ExitCode);
        // The capture's report reads a temporary database like the stored one; only the capture's path differs.
        Assert.Equal(ndjsonFromDatabase.StandardOutput.Split('\n').Length, ndjsonFromCapture.StandardOutput.Split('\n').Length);
        using JsonDocument document = JsonDocument.Parse(har.StandardOutput);
        Assert.Equal(3, document.RootElement.GetProperty("log").GetProperty("entries").GetArrayLength());
    }

    [Fact]
    public void An_existing_output_needs_force_and_csv_without_a_folder_is_a_usage_error()
    {
        string db = Open(KeepAlive);
        string md = Path.Combine(_folder, "report.md");
        File.WriteAllText(md, "mine");

        ProcessResult refused = SnifferProcess.Run("report", db, "--format", "md", "-o", md);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--force", refused.StandardError);
        Assert.Equal("mine", File.ReadAllText(md));

        ProcessResult forced = SnifferProcess.Run("report", db, "--format", "md", "-o", md, "--force");
        Assert.Equal(0, forced.ExitCode);
        Assert.StartsWith("# Sniffer session report", File.ReadAllText(md));

        Assert.Equal(2, SnifferProcess.Run("report", db, "--format", "csv").ExitCode);
        Assert.Equal(2, SnifferProcess.Run("report", db, "--format", "html", "--filter", "status ==").ExitCode);
    }

    [Fact]
    public void Csv_writes_one_file_per_record_type_or_one_type_to_standard_output()
    {
        string db = Open(KeepAlive);
        string csv = Path.Combine(_folder, "csv");

        Assert.Equal(0, SnifferProcess.Run("report", db, "--format", "csv", "-o", csv).ExitCode);
        Assert.Equal(["anomalies.csv", "flows.csv", "http.csv", "imap.csv", "messages.csv", "smtp.csv"],
            Directory.GetFiles(csv).Select(Path.GetFileName).Order());
        ProcessResult http = SnifferProcess.Run("report", db, "--format", "csv", "--type", "http", "--filter", "status == 304");
        Assert.Equal(2, http.StandardOutput.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void Export_writes_objects_with_their_hashes_and_a_flow_as_pcap()
    {
        string db = Open(KeepAlive);
        string objects = Path.Combine(_folder, "objects"), pcap = Path.Combine(_folder, "flow.pcap");

        ProcessResult result = SnifferProcess.Run("export", db, "--objects", objects, "--pcap", pcap, "--flow", "1");

        Assert.True(result.ExitCode == 0, result.StandardError);
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(objects, "manifest.json")));
        Assert.All(manifest.RootElement.EnumerateArray(), o => Assert.Equal(o.GetProperty("sha256").GetString(),
            Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(objects, o.GetProperty("file").GetString()!))))));
        Assert.Equal(File.ReadAllBytes(KeepAlive).Length, new FileInfo(pcap).Length); // the capture is that one flow, frame for frame
        Assert.Equal(1, SnifferProcess.Run("export", db, "--objects", objects).ExitCode);
    }

    [Fact]
    public void Export_from_a_database_whose_capture_is_gone_says_so()
    {
        string capture = Path.Combine(_folder, "gone.pcap");
        File.Copy(KeepAlive, capture);
        string db = Open(capture);
        File.Delete(capture);

        ProcessResult result = SnifferProcess.Run("export", db, "--pcap", Path.Combine(_folder, "x.pcap"), "--flow", "1");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no longer exists", result.StandardError);
        Assert.DoesNotContain("   at ", result.StandardError);
    }

    private string Open(string capture)
    {
        string db = Path.Combine(_folder, Path.GetFileNameWithoutExtension(capture) + ".sniffer.db");
        ProcessResult open = SnifferProcess.Run("open", capture, "--db", db, "--no-ui");
        Assert.True(open.ExitCode == 0, open.StandardError);
        return db;
    }
}
