using Sniffer.Analysis.Http;
using Sniffer.Analysis.Http.Caching;
using Sniffer.Core.Records;
using static Sniffer.Analysis.Tests.Support.Exchanges;

namespace Sniffer.Analysis.Tests.Http;

/// <summary>What each 304 saved, from hand-built record sequences (RFC 9110 §13, RFC 9111 §4.3).</summary>
public sealed class ConditionalGetAnalysisTests
{
    private const string Alice = "192.0.2.10", Bob = "192.0.2.11";
    private const string Date = "Sun, 06 Nov 1994 08:49:37 GMT";

    private static HttpAnalysisReport Run(params SnifferRecord[] records)
    {
        var analysis = new HttpAnalysis();
        foreach (SnifferRecord record in records) analysis.Emit(record);
        return analysis.Complete();
    }

    [Fact]
    public void A304SavesTheEarlier200WhoseETagTheClientPresented()
    {
        var report = Run(
            Get(1, 1, "www.example.com", "/logo.png", Start, bodyLength: 4000, etag: "\"v1\""),
            Flow(1, Alice, "198.51.100.1:80", Start),
            Get(2, 1, "www.example.com", "/logo.png", Start + 10 * Second, status: 304, ifNoneMatch: "\"v0\", W/\"v1\""),
            Flow(2, Alice, "198.51.100.1:80", Start + 10 * Second));

        ConditionalGetSaving saving = Assert.Single(report.ConditionalGetSavings);
        Assert.Equal(("www.example.com/logo.png", 4000L, SavingBasis.EarlierResponse, 1L), (saving.Url, saving.BytesSaved, saving.Basis, saving.EarlierResponseFlowId));
        Assert.Equal("If-None-Match", saving.Validator);
        // The 304's connection carried no 200 to measure, so its time is not guessed.
        Assert.Null(saving.TimeSavedNs);
    }

    [Fact]
    public void LastModifiedValidatesWhenTheClientSentOnlyIfModifiedSince()
    {
        var report = Run(
            Get(1, 1, "example.com", "/a.css", Start, bodyLength: 900, lastModified: Date),
            Get(1, 2, "example.com", "/a.css", Start + Second, status: 304, ifModifiedSince: Date),
            Flow(1, Alice, "198.51.100.1:80", Start));

        ConditionalGetSaving saving = Assert.Single(report.ConditionalGetSavings);
        Assert.Equal((900L, SavingBasis.EarlierResponse, "If-Modified-Since"), (saving.BytesSaved, saving.Basis, saving.Validator));
    }

    [Fact]
    public void AnotherClientsCopyOrAnotherValidatorDoesNotCount()
    {
        var report = Run(
            Get(1, 1, "example.com", "/a.js", Start, bodyLength: 700, etag: "\"v1\""),
            Flow(1, Bob, "198.51.100.1:80", Start),
            Get(2, 1, "example.com", "/a.js", Start + Second, status: 304, ifNoneMatch: "\"v1\""),
            Get(2, 2, "example.com", "/b.js", Start + 2 * Second, status: 304, ifNoneMatch: "\"v9\""),
            Flow(2, Alice, "198.51.100.1:80", Start + Second));

        Assert.All(report.ConditionalGetSavings, s => Assert.Equal((null, SavingBasis.Unknown), (s.BytesSaved, s.Basis)));
        Assert.Equal(2, report.ConditionalGet.UnknownSavings);
        Assert.Equal(0, report.ConditionalGet.BytesSaved);
    }

    [Fact]
    public void WithoutAnEarlier200TheDeclaredContentLengthIsTheSaving()
    {
        var report = Run(
            Get(1, 1, "example.com", "/big.bin", Start, status: 304, ifNoneMatch: "\"x\"", declaredContentLength: 1234),
            Flow(1, Alice, "198.51.100.1:80", Start));

        ConditionalGetSaving saving = Assert.Single(report.ConditionalGetSavings);
        Assert.Equal((1234L, SavingBasis.DeclaredContentLength), (saving.BytesSaved, saving.Basis));
    }

    [Fact]
    public void TimeSavedIsTheBytesAtTheConnectionsThroughput()
    {
        // Two 200s on the 304's connection: (200 + 100_000) + (200 + 50_000) response bytes received in 2 ms + 1 ms.
        var report = Run(
            Get(1, 1, "example.com", "/a", Start, bodyLength: 100_000, etag: "\"a\"", receiveNs: 2_000_000),
            Get(1, 2, "example.com", "/b", Start + Second, bodyLength: 50_000, receiveNs: 1_000_000),
            Get(1, 3, "example.com", "/a", Start + 2 * Second, status: 304, ifNoneMatch: "\"a\""),
            Flow(1, Alice, "198.51.100.1:80", Start));

        ConditionalGetSaving saving = Assert.Single(report.ConditionalGetSavings);
        double bytesPerNs = 150_400 / 3_000_000.0;
        Assert.Equal(bytesPerNs * 1e9, saving.ThroughputBytesPerSecond!.Value, 6);
        Assert.Equal((long)Math.Round(100_000 / bytesPerNs), saving.TimeSavedNs);
        Assert.Equal(saving.TimeSavedNs, report.ConditionalGet.TimeSavedNs);
    }

    [Fact]
    public void TheSummaryCountsOutcomesAndRanksUrlsAndValidatorlessResponses()
    {
        var report = Run(
            Get(1, 1, "example.com", "/a", Start, bodyLength: 100, etag: "\"a\""),
            Get(1, 2, "example.com", "/b", Start + 1, bodyLength: 5000, etag: "\"b\""),
            Get(1, 3, "example.com", "/a", Start + 2 * Second, status: 304, ifNoneMatch: "\"a\""),
            Get(1, 4, "example.com", "/b", Start + 3 * Second, status: 304, ifNoneMatch: "\"b\""),
            Get(1, 5, "example.com", "/a", Start + 4 * Second, status: 304, ifNoneMatch: "\"a\""),
            Get(1, 6, "example.com", "/a", Start + 5 * Second, bodyLength: 120, ifNoneMatch: "\"a\"", etag: "\"a2\""),
            Get(1, 7, "example.com", "/c", Start + 6 * Second, status: 412, ifNoneMatch: "\"c\""),
            Get(1, 8, "example.com", "/plain", Start + 7 * Second, bodyLength: 300, cacheableWithoutValidator: true),
            Get(1, 9, "example.com", "/plain", Start + 8 * Second, bodyLength: 300, cacheableWithoutValidator: true),
            Flow(1, Alice, "198.51.100.1:80", Start));

        ConditionalGetSummary summary = report.ConditionalGet;
        Assert.Equal((5, 3, 1, 1), (summary.Conditional, summary.NotModified, summary.Changed, summary.Other));
        Assert.Equal(5200, summary.BytesSaved);
        Assert.Equal([new UrlSavings("example.com/b", 1, 5000, 0), new UrlSavings("example.com/a", 2, 200, 0)], summary.TopUrls);
        Assert.Equal(2, summary.CacheableWithoutValidator);
        Assert.Equal([new ValidatorlessUrl("example.com/plain", 2, 600)], summary.TopValidatorless);
    }
}
