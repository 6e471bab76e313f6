using System.Security.Cryptography;
using System.Text.Json;
using Sniffer.Reports.Export;
using Sniffer.TestSupport;
using Xunit;

namespace Sniffer.Reports.Tests;

/// <summary>
/// The bundled demo capture against what its generator says it sent (captures/demo.log.json): the mails' MD5s
/// and the HTTP bodies' SHA-256s must come out of the exports unchanged.
/// </summary>
public sealed class DemoCaptureTests : IDisposable
{
    private static readonly string Demo = Path.Combine(RepositoryPaths.Captures, "demo.pcap");
    private readonly AnalysedStore _store = AnalysedStore.FromCapture(Demo);
    private readonly JsonDocument _log = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(RepositoryPaths.Captures, "demo.log.json")));

    public void Dispose()
    {
        _log.Dispose();
        _store.Dispose();
    }

    [Fact]
    public void Every_mail_the_generator_sent_is_exported_as_an_eml_with_its_md5()
    {
        string folder = _store.File("mail");
        new MailExport(_store.Cursor).Write(folder, force: false, attachments: true, ExportProgress.None);

        var exported = Directory.GetFiles(folder, "*.eml").Select(f => Convert.ToHexStringLower(MD5.HashData(File.ReadAllBytes(f)))).ToHashSet();
        string[] sent = _log.RootElement.GetProperty("mails").EnumerateArray().Select(m => m.GetProperty("md5").GetString()!).ToArray();
        Assert.NotEmpty(sent);
        Assert.All(sent, md5 => Assert.Contains(md5, exported));
    }

    [Fact]
    public void Every_body_the_generator_served_is_exported_with_its_sha256()
    {
        string folder = _store.File("objects");
        new ObjectExport(_store.Cursor).Write(folder, force: false, ExportProgress.None);

        var exported = Directory.GetFiles(folder).Where(f => !f.EndsWith(ObjectExport.ManifestName, StringComparison.Ordinal))
            .Select(f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f)))).ToHashSet();
        string[] served = _log.RootElement.GetProperty("http_requests").EnumerateArray()
            .Where(r => r.TryGetProperty("body_sha256", out JsonElement sha) && sha.ValueKind == JsonValueKind.String && r.GetProperty("body_length").GetInt64() > 0)
            .Select(r => r.GetProperty("body_sha256").GetString()!).Distinct().ToArray();
        Assert.NotEmpty(served);
        Assert.All(served, sha256 => Assert.Contains(sha256, exported));
    }

    [Fact]
    public void The_har_of_the_demo_has_every_request_the_generator_made()
    {
        using JsonDocument har = JsonDocument.Parse(Rendering.Har(_store.Cursor));

        Assert.Empty(HarStructure.Problems(har.RootElement));
        Assert.Equal(_log.RootElement.GetProperty("totals").GetProperty("http_requests").GetInt32(),
            har.RootElement.GetProperty("log").GetProperty("entries").GetArrayLength());
    }
}
