using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Sniffer.Reports.Export;
using Sniffer.Storage;
using Sniffer.TestSupport;
using Sniffer.TestSupport.Synthesis;
using Xunit;

namespace Sniffer.Reports.Tests;

public sealed class ObjectExportTests
{
    /// <summary>Content-Disposition filenames that try to leave the folder, hide, or break a terminal or a file system.</summary>
    public static readonly string[] HostileNames =
    [
        "../../x", "/etc/passwd", "..\\..\\windows\\win.ini", "a\u0001b\u001b[2J.txt", new string('n', 300) + ".pdf",
        "CON", "con.txt", "LPT1.log", "..", ".hidden", "same.txt", "same.txt", "x/../../y", "\u202Egnp.exe",
    ];

    [Fact]
    public void Every_exported_objects_sha256_is_the_stores_and_the_manifest_names_it()
    {
        using var store = AnalysedStore.FromCapture(Path.Combine(RepositoryPaths.Captures, "tcp", "http-keepalive.pcap"));
        AssertObjectsMatchTheStore(store);
    }

    [SharedCapturesFact]
    public void Objects_of_a_real_nginx_capture_match_the_store_including_megabyte_bodies()
    {
        using var store = AnalysedStore.FromCapture(RepositoryPaths.Shared("real/http-keepalive-nginx.pcap"));
        Assert.True(AssertObjectsMatchTheStore(store) >= 6);
    }

    [Fact]
    public void Hostile_content_disposition_names_stay_inside_the_folder_and_are_made_safe()
    {
        using var store = AnalysedStore.FromFrames(ExchangesNamed(HostileNames));
        string parent = store.File("exports");
        string folder = Path.Combine(parent, "objects");
        Directory.CreateDirectory(parent);

        ObjectExportResult result = new ObjectExport(store.Cursor).Write(folder, force: false, ExportProgress.None);

        Assert.Equal(HostileNames.Length, result.Files);
        // Nothing was written beside the folder, and every file is directly inside it.
        Assert.Equal([folder], Directory.EnumerateFileSystemEntries(parent));
        string[] files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToArray()!;
        Assert.Equal(HostileNames.Length + 1, Directory.EnumerateFiles(folder).Count());
        Assert.All(files, name =>
        {
            Assert.DoesNotContain("..", name);
            Assert.False(name.StartsWith('.'), name);
            Assert.DoesNotMatch("[\u0000-\u001f\u007f\u202a-\u202e/\\\\:*?\"<>|]", name);
            Assert.True(Encoding.UTF8.GetByteCount(name) <= SafeFileNames.MaxBytes, name);
        });
        Assert.Contains("x", files);
        Assert.Contains("y", files);
        Assert.Contains("passwd", files);
        Assert.Contains("win.ini", files);
        Assert.Contains("_CON", files);
        Assert.Contains("_con.txt", files);
        Assert.Contains("_LPT1.log", files);
        Assert.Contains(files, f => f.StartsWith("nnnn", StringComparison.Ordinal) && f.EndsWith(".pdf", StringComparison.Ordinal));
        Assert.Contains("same.txt", files);
        Assert.Contains("same (2).txt", files);
        Assert.Contains("hidden", files);
    }

    [Fact]
    public void An_existing_file_is_not_overwritten_without_force()
    {
        using var store = AnalysedStore.FromCapture(Path.Combine(RepositoryPaths.Captures, "tcp", "http-keepalive.pcap"));
        string folder = store.File("objects");
        var export = new ObjectExport(store.Cursor);
        export.Write(folder, force: false, ExportProgress.None);
        string manifest = Path.Combine(folder, ObjectExport.ManifestName);
        File.WriteAllText(manifest, "kept");

        var refused = Assert.Throws<ExportException>(() => export.Write(folder, force: false, ExportProgress.None));
        Assert.Contains("--force", refused.Message);
        Assert.Equal("kept", File.ReadAllText(manifest));

        export.Write(folder, force: true, ExportProgress.None);
        Assert.StartsWith("[", File.ReadAllText(manifest));
    }

    /// <summary>Exports, then checks each file against the manifest and the store; returns the number of objects.</summary>
    private static int AssertObjectsMatchTheStore(AnalysedStore store)
    {
        string folder = store.File("objects");
        ObjectExportResult result = new ObjectExport(store.Cursor).Write(folder, force: false, ExportProgress.None);

        var stored = store.Reader.Http(new Page(0, int.MaxValue)).Select(h => h.Record.Response?.Body).OfType<Sniffer.Dissectors.Http.Records.HttpBody>()
            .GroupBy(b => b.Sha256).ToDictionary(g => g.Key, g => g.First());
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, ObjectExport.ManifestName)));
        JsonElement[] objects = manifest.RootElement.EnumerateArray().ToArray();
        Assert.Equal(stored.Count, objects.Length);
        Assert.Equal(result.Files, objects.Length);
        foreach (JsonElement entry in objects)
        {
            string sha256 = entry.GetProperty("sha256").GetString()!;
            var body = stored[sha256];
            byte[] content = File.ReadAllBytes(Path.Combine(folder, entry.GetProperty("file").GetString()!));
            Assert.Equal(body.ContentTruncated, entry.GetProperty("truncated").GetBoolean());
            Assert.Equal(body.DecodedLength, entry.GetProperty("size").GetInt64());
            if (!body.ContentTruncated) Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(content)));
            else Assert.True(content.Length < body.DecodedLength);
        }
        return objects.Length;
    }

    /// <summary>One keep-alive connection serving a distinct body under each Content-Disposition filename.</summary>
    private static IEnumerable<SyntheticFrame> ExchangesNamed(IReadOnlyList<string> names)
    {
        var conversation = new TcpConversation("192.0.2.1:40003", "198.51.100.9:80").Handshake();
        for (int i = 0; i < names.Count; i++)
        {
            byte[] body = Encoding.ASCII.GetBytes($"object {i}\n");
            string escaped = names[i].Replace("\\", "\\\\").Replace("\"", "\\\"");
            conversation.ClientSends($"GET /download?id={i} HTTP/1.1\r\nHost: files.example\r\n\r\n");
            byte[] head = Encoding.UTF8.GetBytes(
                $"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"{escaped}\"\r\nContent-Length: {body.Length}\r\n\r\n");
            conversation.ServerSends([.. head, .. body]);
        }
        return conversation.Close().Frames;
    }
}
