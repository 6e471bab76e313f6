using Sniffer.Analysis.Web;

namespace Sniffer.Analysis.Tests.Web;

public sealed class CookieRulesTests
{
    [Theory]
    [InlineData("example.com", "example.com", true)]
    [InlineData("www.example.com", "example.com", true)]
    [InlineData("a.b.example.com", "example.com", true)]
    [InlineData("badexample.com", "example.com", false)] // a suffix, but not at a label boundary
    [InlineData("example.com", "www.example.com", false)]
    [InlineData("10.0.0.1", "0.0.1", false)] // IP addresses only match themselves
    [InlineData("10.0.0.1", "10.0.0.1", true)]
    public void DomainMatch(string host, string domain, bool expected) =>
        Assert.Equal(expected, CookieRules.DomainMatches(host, domain));

    [Theory]
    [InlineData("/", "/", true)]
    [InlineData("/docs", "/docs", true)]
    [InlineData("/docs/a", "/docs", true)]
    [InlineData("/docs/a", "/docs/", true)]
    [InlineData("/docsearch", "/docs", false)]
    [InlineData("/", "/docs", false)]
    [InlineData("/anything", "/", true)]
    public void PathMatch(string requestPath, string cookiePath, bool expected) =>
        Assert.Equal(expected, CookieRules.PathMatches(requestPath, cookiePath));

    [Theory]
    [InlineData("/", "/")]
    [InlineData("/index.html", "/")]
    [InlineData("/app/setcookie", "/app")]
    [InlineData("/a/b/c", "/a/b")]
    [InlineData("", "/")]
    public void DefaultPathIsTheDirectoryOfTheRequestPath(string requestPath, string expected) =>
        Assert.Equal(expected, CookieRules.DefaultPath(requestPath));

    [Theory]
    [InlineData("/search?q=x", "/search")]
    [InlineData("/", "/")]
    [InlineData("http://www.example.com/a/b?c", "/a/b")]
    [InlineData("*", "/")]
    public void RequestPathOfATarget(string target, string path) => Assert.Equal(path, CookieRules.RequestPath(target));
}
