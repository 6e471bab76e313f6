using Sniffer.Analysis.Web;

namespace Sniffer.Analysis.Tests.Web;

public sealed class SitesTests
{
    [Theory]
    [InlineData("www.example.com", "example.com")]
    [InlineData("a.b.c.example.com", "example.com")]
    [InlineData("WWW.Example.COM.", "example.com")]
    [InlineData("example.com", "example.com")]
    [InlineData("www.bbc.co.uk", "bbc.co.uk")]
    [InlineData("bbc.co.uk", "bbc.co.uk")]
    [InlineData("shop.example.com.au", "example.com.au")]
    [InlineData("alice.github.io", "alice.github.io")]
    [InlineData("docs.alice.github.io", "alice.github.io")]
    [InlineData("localhost", "localhost")]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("192.0.2.10", "192.0.2.10")]
    [InlineData("[2001:db8::1]", "[2001:db8::1]")]
    public void RegistrableDomainIsOneLabelMoreThanThePublicSuffix(string host, string site) =>
        Assert.Equal(site, Sites.Of(host));

    [Theory]
    [InlineData("com", true)]
    [InlineData("co.uk", true)]
    [InlineData("github.io", true)]
    [InlineData("example.com", false)]
    [InlineData("127.0.0.1", false)]
    public void PublicSuffixes(string domain, bool expected) => Assert.Equal(expected, Sites.IsPublicSuffix(domain));

    [Theory]
    [InlineData("www.example.com:8080", "www.example.com")]
    [InlineData("127.0.0.1:18080", "127.0.0.1")]
    [InlineData("[2001:db8::1]:443", "2001:db8::1")]
    [InlineData("2001:db8::1", "2001:db8::1")]
    [InlineData("Example.COM", "example.com")]
    public void HostOfAnAuthorityDropsThePort(string authority, string host) => Assert.Equal(host, Sites.HostOf(authority));

    [Theory]
    [InlineData("http://www.news.example/article?id=1", "news.example")]
    [InlineData("https://shop.example.co.uk/", "example.co.uk")]
    [InlineData("null", null)]
    [InlineData("/relative", null)]
    [InlineData(null, null)]
    public void SiteOfAReferringUrl(string? url, string? site) => Assert.Equal(site, Sites.OfUrl(url));
}
