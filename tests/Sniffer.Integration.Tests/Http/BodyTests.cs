using Sniffer.TestSupport;

namespace Sniffer.Integration.Tests.Http;

/// <summary>Decoded bodies of the undamaged real captures are byte for byte what tshark exports.</summary>
public sealed class BodyTests
{
    public static TheoryData<string> UndamagedCaptures() =>
        ["real/http-keepalive-nginx.pcap", "real/http-gzip-nginx.pcap", "real/http-methods.pcap", "real/http-cookies.pcap"];

    [SharedCapturesAndTsharkTheory]
    [MemberData(nameof(UndamagedCaptures))]
    public void Decoded_bodies_are_tsharks_exported_objects(string capture)
    {
        string path = RepositoryPaths.Shared(capture);
        HttpCaptureRun run = HttpCaptureRun.Of(path);

        List<string> actual = run.Exchanges
            .SelectMany(e => new[] { e.Request?.Body, e.Response?.Body })
            .OfType<Sniffer.Dissectors.Http.Records.HttpBody>()
            .Where(b => b.DecodedLength > 0)
            .Select(b =>
            {
                Assert.False(b.ContentTruncated || b.Incomplete, "a body of an undamaged capture was not kept whole");
                Assert.Null(b.DecodeError);
                return TsharkObjects.Describe(b.Content);
            })
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(TsharkObjects.Export(path), actual);
    }
}
