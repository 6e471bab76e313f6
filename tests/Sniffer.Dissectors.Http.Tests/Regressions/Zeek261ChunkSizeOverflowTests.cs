using Sniffer.Dissectors.Http.Records;
using Sniffer.Dissectors.Http.Tests.Support;
using Xunit;

namespace Sniffer.Dissectors.Http.Tests.Regressions;

/// <summary>
/// Zeek's http/261 chunk-2pow64-overflow trace: a chunk size of 2^64 used to violate and disable the dissector,
/// hiding the request smuggled after it. Zeek logs both requests; so does the dissector now.
/// </summary>
public class Zeek261ChunkSizeOverflowTests
{
    private const string Conversation =
        "POST / HTTP/1.1\r\nHost: target\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n\r\n" +
        "GET /smuggled-chunk-2pow64 HTTP/1.1\r\nHost: target\r\n\r\n";

    [Theory]
    [InlineData(1)]
    [InlineData(int.MaxValue)]
    public void TheRequestAfterAnOverflowingChunkSizeIsDissected(int chunkSize)
    {
        var driver = new ConversationDriver(chunkSize).Client(Conversation).EndBoth();

        Assert.Equal(["POST /", "GET /smuggled-chunk-2pow64"], driver.Transactions.Select(t => $"{t.Request!.Method} {t.Request.Target}"));
        HttpRequest post = driver.Transactions[0].Request!;
        Assert.False(post.Complete);
        Assert.Equal(0, post.Body!.DecodedLength);
        Assert.True(driver.Transactions[1].Request!.Complete);
        Assert.Equal([HttpAnomalyKinds.InvalidChunkSize, HttpAnomalyKinds.Resynchronised],
            driver.Anomalies.Select(a => a.Kind).Where(k => k != HttpAnomalyKinds.TruncatedMessage));
    }
}
