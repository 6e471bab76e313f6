using Sniffer.Dissectors.Http.Tests.Support;
using Xunit;

namespace Sniffer.Dissectors.Http.Tests.Regressions;

/// <summary>
/// Zeek's http/261 chunked-rest trace: "Transfer-Encoding: chunked, identity" used to be a violation (the final
/// coding is not chunked). identity is RFC 2616's no-op coding, so the body is chunked and a request follows it.
/// </summary>
public class Zeek261MultiValuedTransferEncodingTests
{
    [Fact]
    public void ChunkedThenIdentityIsFramedAsChunked()
    {
        var driver = new ConversationDriver()
            .Client("POST / HTTP/1.1\r\nHost: target\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n" +
                    "GET /smuggled-multi-te HTTP/1.1\r\nHost: target\r\n\r\n")
            .EndBoth();

        Assert.Equal(["POST /", "GET /smuggled-multi-te"], driver.Transactions.Select(t => $"{t.Request!.Method} {t.Request.Target}"));
        Assert.All(driver.Transactions, t => Assert.True(t.Request!.Complete));
        Assert.Equal(Records.HttpBodyFraming.Chunked, driver.Transactions[0].Request!.Body!.Framing);
        Assert.Contains(driver.Anomalies, a => a.Kind == HttpAnomalyKinds.IdentityTransferCoding);
    }

    [Fact]
    public void IdentityAloneLeavesARequestWithoutABody()
    {
        var driver = new ConversationDriver()
            .Client("GET /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: identity\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n")
            .EndBoth();

        Assert.Equal(["/a", "/b"], driver.Transactions.Select(t => t.Request!.Target));
        Assert.Null(driver.Transactions[0].Request!.Body);
    }
}
