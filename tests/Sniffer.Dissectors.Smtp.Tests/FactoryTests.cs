using System.Text;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Xunit;

namespace Sniffer.Dissectors.Smtp.Tests;

public class FactoryTests
{
    private readonly SmtpDissectorFactory _factory = new();

    [Theory]
    [InlineData(Direction.ServerToClient, "220 mx.example.org ESMTP", ProbeResult.Match)]
    [InlineData(Direction.ServerToClient, "220-mx.example.org", ProbeResult.Match)]
    [InlineData(Direction.ServerToClient, "22", ProbeResult.NeedMoreData)]
    [InlineData(Direction.ServerToClient, "", ProbeResult.NeedMoreData)]
    [InlineData(Direction.ServerToClient, "* OK IMAP4rev1", ProbeResult.NoMatch)]
    [InlineData(Direction.ServerToClient, "HTTP/1.1 200 OK", ProbeResult.NoMatch)]
    [InlineData(Direction.ClientToServer, "EHLO client.example.com\r\n", ProbeResult.Match)]
    [InlineData(Direction.ClientToServer, "helo x\r\n", ProbeResult.Match)]
    [InlineData(Direction.ClientToServer, "EHL", ProbeResult.NeedMoreData)]
    [InlineData(Direction.ClientToServer, "GET / HTTP/1.1\r\n", ProbeResult.NoMatch)]
    public void ProbeRecognisesTheGreetingAndTheHello(Direction direction, string bytes, ProbeResult expected) =>
        Assert.Equal(expected, _factory.Probe(direction, Encoding.ASCII.GetBytes(bytes)));

    [Fact]
    public void NamedAndBoundToSubmissionPorts()
    {
        Assert.Equal("smtp", _factory.Name);
        Assert.Equal([25, 587], _factory.DefaultServerPorts);
    }
}
