using System.Text;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Xunit;

namespace Sniffer.Dissectors.Http.Tests;

public class HttpDissectorFactoryTests
{
    private readonly HttpDissectorFactory _factory = new();

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\n", ProbeResult.Match)]
    [InlineData("propfind /dav HTTP/1.1\n", ProbeResult.Match)]
    [InlineData("GET / HTTP/1.", ProbeResult.NeedMoreData)]
    [InlineData("GET / HTTP/1.1\r", ProbeResult.NeedMoreData)]
    [InlineData("GET /a\rb HTTP/1.1\r\n", ProbeResult.NoMatch)]
    [InlineData("GE", ProbeResult.NeedMoreData)]
    [InlineData("", ProbeResult.NeedMoreData)]
    [InlineData("\u0016\u0003\u0001\u0002\u0000", ProbeResult.NoMatch)]
    [InlineData("EHLO mail.example\r\n", ProbeResult.NoMatch)]
    [InlineData("GET / FTP/1.1\r\n", ProbeResult.NoMatch)]
    [InlineData("GET /zeek.html\r\n", ProbeResult.Match)] // HTTP/0.9 simple request (RFC 1945 §4.1)
    [InlineData("GET /zeek.html", ProbeResult.NeedMoreData)]
    [InlineData("POST /form\r\n", ProbeResult.NoMatch)] // 0.9 had only GET
    [InlineData("GET zeek.html\r\n", ProbeResult.NoMatch)]
    public void ProbesTheClientSide(string firstBytes, ProbeResult expected) =>
        Assert.Equal(expected, _factory.Probe(Direction.ClientToServer, Encoding.Latin1.GetBytes(firstBytes)));

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\n", ProbeResult.Match)]
    [InlineData("HTTP/1.0 404", ProbeResult.Match)]
    [InlineData("HTTP/1.", ProbeResult.NeedMoreData)]
    [InlineData("HTTP/2 200", ProbeResult.NoMatch)]
    [InlineData("220 smtp ready\r\n", ProbeResult.NoMatch)]
    [InlineData("* OK IMAP4rev1\r\n", ProbeResult.NoMatch)]
    public void ProbesTheServerSide(string firstBytes, ProbeResult expected) =>
        Assert.Equal(expected, _factory.Probe(Direction.ServerToClient, Encoding.Latin1.GetBytes(firstBytes)));

    [Fact]
    public void DescribesItself()
    {
        Assert.Equal("http", _factory.Name);
        Assert.Contains((ushort)80, _factory.DefaultServerPorts);
        Assert.Contains((ushort)3128, _factory.DefaultServerPorts);
    }
}
