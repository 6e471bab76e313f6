using System.Text;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Dissectors.Http.Records;
using Sniffer.Dissectors.Http.Tests.Support;
using Xunit;

namespace Sniffer.Dissectors.Http.Tests.Regressions;

/// <summary>
/// Zeek's http/connect-with-smtp trace: a CONNECT whose target has a raw space and whose only header line is a
/// bare User-Agent string without a colon. The probe rejected the space and the parser the line; Zeek logs the tunnel.
/// </summary>
public class ZeekConnectWithSmtpTests
{
    private const string Request = "CONNECT mailin03.example:25 / HTTP/1.0\r\nMozilla 4.0 (compatible; MSIE 5.01; Windows NT 5.0)\r\n\r\n";

    [Fact]
    public void TheProbeReadsTheVersionAfterTheLastSpace() =>
        Assert.Equal(ProbeResult.Match, new HttpDissectorFactory().Probe(Direction.ClientToServer, Encoding.ASCII.GetBytes(Request)));

    [Fact]
    public void TheTunnelIsReportedDespiteTheLineWithoutAColon()
    {
        var driver = new ConversationDriver()
            .Client(Request)
            .Server("HTTP/1.0 200 Connection established\r\n\r\n220 mail ready\r\n")
            .EndBoth();

        HttpTransaction transaction = driver.Transactions.Single();
        Assert.Equal("mailin03.example:25 /", transaction.Request!.Target);
        Assert.Empty(transaction.Request.Headers);
        Assert.Equal(HttpHandOff.ConnectTunnel, transaction.HandOff);
        Assert.All(driver.Anomalies, a => Assert.Equal(HttpAnomalyKinds.LenientSyntax, a.Kind));
    }
}
