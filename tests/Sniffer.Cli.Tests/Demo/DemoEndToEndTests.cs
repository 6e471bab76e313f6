using LiteDB;
using Sniffer.Cli.Tests.Live;
using Sniffer.Generator;
using Sniffer.Storage;
using Sniffer.Storage.Mapping;
using Sniffer.TestSupport;
using Xunit;

namespace Sniffer.Cli.Tests.Demo;

/// <summary>
/// Issue 6's end-to-end proof: `sniffer demo` serves, captures on lo, generates and analyses; what the analysis
/// stored must be exactly what the generator's log says crossed the wire.
/// </summary>
public sealed class DemoEndToEndTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sniffer-demo-test-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [LiveCaptureFact]
    public void The_analysis_of_the_demo_finds_exactly_what_the_generator_sent()
    {
        string keep = Path.Combine(_folder, "kept");
        ProcessResult run = SnifferProcess.Run("demo", "--no-ui", "--keep", keep, "--seed", "7");
        Assert.True(run.ExitCode == 0, run.StandardError + run.StandardOutput);
        // No drops anywhere: kernel, interface, ours.
        Assert.Contains("Dropped by kernel:     0", run.StandardOutput);
        Assert.Contains("Dropped by interface:  0", run.StandardOutput);
        Assert.Contains("Dropped by sniffer:    0", run.StandardOutput);

        GeneratorLog log = GeneratorLog.Read(Path.Combine(keep, "demo.log.json"));
        using var store = SessionStoreReader.Open(Path.Combine(keep, "demo.sniffer.db"));
        AssertAgrees(log, store);
    }

    [Fact]
    public void The_bundled_demo_capture_holds_what_its_generator_log_says()
    {
        string db = Path.Combine(_folder, "bundled.sniffer.db");
        ProcessResult open = SnifferProcess.Run("open", Path.Combine(RepositoryPaths.Captures, "demo.pcap"), "--no-ui", "--db", db);
        Assert.True(open.ExitCode == 0, open.StandardError);
        using var store = SessionStoreReader.Open(db);
        AssertAgrees(GeneratorLog.Read(Path.Combine(RepositoryPaths.Captures, "demo.log.json")), store);
    }

    [RunAsNobodyFact]
    public void Without_capture_permission_the_demo_says_why_and_shows_the_bundled_capture()
    {
        ProcessResult run = SnifferProcess.RunAs("nobody", "demo", "--no-ui");
        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Contains("sniffer: cannot capture on lo:", run.StandardError);
        Assert.Contains("showing the bundled demo capture instead", run.StandardError);
        GeneratorLog bundled = GeneratorLog.Read(Path.Combine(RepositoryPaths.Captures, "demo.log.json"));
        Assert.Contains(run.StandardOutput.Split('\n'), l => l.StartsWith("  HTTP transactions:", StringComparison.Ordinal)
            && l.TrimEnd().EndsWith(" " + bundled.Totals.HttpRequests, StringComparison.Ordinal));
    }

    /// <summary>What the store holds is exactly what the generator logged as crossing the wire.</summary>
    private static void AssertAgrees(GeneratorLog log, SessionStoreReader store)
    {
        Assert.Equal(0, log.Totals.Errors);

        // HTTP: each connection's requests, in order, are the exchanges stored for the flow with that client port.
        var clientPorts = store.Documents(StoreCollections.Flows, Page.First(10_000))
            .ToDictionary(f => f[StoredFields.Flow].AsInt64, f => f["client_port"].AsInt32);
        var exchanges = store.Http(Page.First(10_000)).Select(e => e.Record).ToList();
        Assert.Equal(log.HttpRequests.Count, exchanges.Count);
        foreach (var connection in log.HttpRequests.GroupBy(r => r.ClientPort))
        {
            var stored = exchanges.Where(e => clientPorts[e.FlowId] == connection.Key).OrderBy(e => e.TimeNs).ThenBy(e => e.Index).ToList();
            Assert.Equal(connection.Count(), stored.Count);
            foreach (var (request, exchange) in connection.Zip(stored))
            {
                Assert.Equal((request.Method, request.Host, request.Path), (exchange.Request!.Method, exchange.Host!, exchange.Request.Target));
                Assert.Equal(request.IfNoneMatch, exchange.Caching.IfNoneMatch);
                Assert.Equal(request.Status, exchange.Response!.StatusCode);
                Assert.Equal(request.RequestCookies, exchange.Cookies.Select(c => c.Name));
                Assert.Equal(request.SetCookies, exchange.SetCookies.Select(c => c.Name));
                if (request.BodyLength > 0) Assert.Equal(request.BodySha256, exchange.Response.Body!.Sha256);
            }
        }
        Assert.Equal(log.Totals.NotModified, exchanges.Count(e => e.Response!.StatusCode == 304));
        Assert.Equal(log.Totals.HttpConnections, exchanges.Select(e => e.FlowId).Distinct().Count());

        // Cookies: the tracker's uid, sent back to the tracker from the site's page, is a third-party cookie in the jar.
        Assert.Contains(log.HttpRequests, r => r.Host == Sniffer.Servers.Http.TestSite.TrackerHost && r.RequestCookies.Contains("uid"));
        Assert.Contains(store.Documents(StoreCollections.CookieJars, Page.First(1000)), c => c["name"] == "uid" && c["third_party_sends"].AsInt32 > 0);

        // Mail: every submitted message's MD5 from SMTP, every whole-message fetch's MD5 from IMAP.
        List<BsonDocument> messages = store.Documents(StoreCollections.Messages, Page.First(10_000)).ToList();
        Assert.Equal(log.Mails.Select(m => m.Md5).Order(), messages.Where(m => m["source"] == "smtp").Select(m => m["md5"].AsString).Order());
        var wholeFetches = log.ImapFetches.Where(f => f.Section == "BODY[]").ToList();
        Assert.Equal(wholeFetches.Select(f => f.Md5).Order(), messages.Where(m => m["source"] == "imap").Select(m => m["md5"].AsString).Order());
        var transactions = store.Documents(StoreCollections.SmtpTransactions, Page.First(10_000)).ToList();
        Assert.Equal(log.Mails.Sum(m => m.RecipientsRefused.Count),
            transactions.Sum(t => t["recipients"].AsArray.Count(r => r["accepted"] != true)));

        // The SMTP→IMAP paths: every mail fetched whole after it was sent is one path, byte-identical.
        List<BsonDocument> paths = store.Documents(StoreCollections.MailPaths, Page.First(10_000)).ToList();
        var linked = log.Mails.Where(m => wholeFetches.Any(f => f.MessageId == m.MessageId)).Select(m => m.MessageId).Order();
        Assert.Equal(linked, paths.Select(p => p["message_id"].AsString).Order());
        Assert.All(paths, p => Assert.True(p["identical"].AsBoolean));
        Assert.All(paths, p => Assert.Equal(
            wholeFetches.Count(f => f.MessageId == p["message_id"].AsString), p["retrievals"].AsArray.Count));
    }
}
