using System.Text;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Xunit;

namespace Sniffer.Dissectors.Imap.Tests;

public class ImapDissectorFactoryTests
{
    private static readonly ImapDissectorFactory Factory = new();

    [Theory]
    [InlineData(Direction.ServerToClient, "* OK [CAPABILITY IMAP4rev1] Dovecot ready.\r\n", ProbeResult.Match)]
    [InlineData(Direction.ServerToClient, "* PREAUTH logged in\r\n", ProbeResult.Match)]
    [InlineData(Direction.ServerToClient, "* BYE too busy\r\n", ProbeResult.Match)]
    [InlineData(Direction.ServerToClient, "* PRE", ProbeResult.NeedMoreData)]
    [InlineData(Direction.ServerToClient, "220 smtp.example ESMTP\r\n", ProbeResult.NoMatch)]
    [InlineData(Direction.ServerToClient, "+OK POP3 ready\r\n", ProbeResult.NoMatch)]
    [InlineData(Direction.ClientToServer, "a001 CAPABILITY\r\n", ProbeResult.Match)]
    [InlineData(Direction.ClientToServer, "A1 uid fetch 1 BODY[]\r\n", ProbeResult.Match)]
    [InlineData(Direction.ClientToServer, "a001 CAPA", ProbeResult.NeedMoreData)]
    [InlineData(Direction.ClientToServer, "GET / HTTP/1.1\r\n", ProbeResult.NoMatch)]
    [InlineData(Direction.ClientToServer, "EHLO client.example\r\n", ProbeResult.NoMatch)]
    public void ProbeKnowsAGreetingOrACommand(Direction direction, string firstBytes, ProbeResult expected) =>
        Assert.Equal(expected, Factory.Probe(direction, Encoding.ASCII.GetBytes(firstBytes)));

    [Fact]
    public void BoundToPort143Only() => Assert.Equal([(ushort)143], Factory.DefaultServerPorts);
}
