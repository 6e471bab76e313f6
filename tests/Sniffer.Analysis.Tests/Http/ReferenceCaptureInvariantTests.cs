using Sniffer.Analysis.Http;
using Sniffer.Analysis.Tests.Support;
using Sniffer.Dissectors.Http.Records;
using Sniffer.TestSupport;

namespace Sniffer.Analysis.Tests.Http;

/// <summary>
/// Every reference capture (other analyzers' test traces and the real recordings) through the pipeline and the
/// analysis: whatever oddities they hold, the results must account for every exchange exactly once.
/// </summary>
public sealed class ReferenceCaptureInvariantTests
{
    public static TheoryData<string> AllCaptures() => new(RepositoryPaths.SharedCaptureFiles());

    [SharedCapturesTheory]
    [MemberData(nameof(AllCaptures))]
    public void EveryExchangeIsAccountedForOnce(string capture)
    {
        AnalysedCapture run = AnalysedCapture.OfFile(RepositoryPaths.Shared(capture));
        HttpAnalysisReport report = run.Report;
        List<HttpTransaction> transactions = run.Sink.Records.OfType<HttpTransaction>().ToList();

        Assert.Equal(transactions.Count, report.Exchanges);
        Assert.Equal(transactions.Count, report.ObjectTimings.Count);
        Assert.Equal(transactions.Select(t => t.FlowId).Distinct().Count(), report.Connections.Count);
        int requests = transactions.Count(t => t.Request is not null);
        Assert.Equal(requests, report.Connections.Sum(c => c.Requests));
        Assert.Equal(requests, report.Timing.Requests);
        Assert.Equal(report.Connections.Count, report.HostTimings.Sum(h => h.Connections));
        Assert.All(report.Connections, c => Assert.NotEqual("", c.Client));

        Assert.Equal(transactions.Count(t => t.Caching.Revalidation == HttpRevalidation.NotModified), report.ConditionalGetSavings.Count);
        Assert.Equal(transactions.Count(t => t.Caching.CacheableWithoutValidator), report.ConditionalGet.CacheableWithoutValidator);

        // A jar only holds what some response set.
        HashSet<(string, string)> set = [.. transactions.SelectMany(t => t.SetCookies).Select(c => (c.Name, c.Value))];
        Assert.All(report.CookieJars, c => Assert.Contains((c.Name, c.Value), set));
        int cookiesSent = transactions.Where(t => t.Request is not null).Sum(t => t.Cookies.Count);
        Assert.Equal(cookiesSent, report.CookieJars.Sum(c => c.TimesSentBack) + report.UnseenCookies.Sum(u => u.TimesSent));
    }
}
