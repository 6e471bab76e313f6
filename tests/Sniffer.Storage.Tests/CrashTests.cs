using System.Runtime.InteropServices;
using Sniffer.Core.Records;
using Sniffer.Dissectors.Http.Records;
using Xunit;
using Xunit.Abstractions;

namespace Sniffer.Storage.Tests;

/// <summary>
/// A writer killed at any moment leaves a file that opens with a prefix of what was emitted: whole batches,
/// in order, across every collection. Children are this assembly run as a program (<see cref="HelperProgram"/>).
/// </summary>
public sealed class CrashTests(ITestOutputHelper output) : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Sigkill_at_random_moments_leaves_a_database_holding_a_consistent_prefix()
    {
        string db = _folder.File("killed.sniffer.db");
        int seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        const int kills = 5;
        for (int kill = 1; kill <= kills; kill++)
        {
            using (var child = new HelperProcess("ingest-until-killed", db))
            {
                child.WaitUntilReady();
                // After a random number of commits, and a random moment into the next batch (one takes a few ms):
                // the kill lands between commits, inside one, or inside a checkpoint of the log into the data file.
                child.WaitForCommittedBatches(random.Next(1, 40));
                Thread.Sleep(random.Next(0, 50));
                child.KillHard();
            }
            // Each run appends a capture to the database the previous kill left behind.
            AssertConsistentPrefix(db, captures: kill);
        }
    }

    [Fact]
    public void Sigint_flushes_every_record_emitted_before_it()
    {
        string db = _folder.File("interrupted.sniffer.db");
        using var child = new HelperProcess("ingest-until-interrupted", db);
        child.WaitUntilReady();
        Thread.Sleep(300);
        Assert.Equal(0, kill(child.Id, Sigint));
        var (exitCode, stdout, stderr) = child.WaitForExit();

        Assert.True(exitCode == 0, stderr);
        long emitted = long.Parse(stdout.Trim().Split(' ')[1]);
        Assert.True(emitted > 0);
        using var reader = SessionStoreReader.Open(db);
        Assert.Equal(emitted, reader.CountFlows());
        Assert.Equal(emitted, reader.CountAnomalies());
        Assert.Equal(emitted, reader.CountHttp());
        Assert.True(Assert.Single(reader.Captures()).Complete);
    }

    private void AssertConsistentPrefix(string db, int captures)
    {
        using var reader = SessionStoreReader.Open(db);
        Assert.Equal(Enumerable.Range(1, captures), reader.Captures().Select(c => c.Id));
        foreach (StoredCapture capture in reader.Captures())
        {
            Assert.False(capture.Complete);
            Assert.NotEmpty(reader.Flows(Page.First(1), capture.Id));
            long[] flows = FlowIds(reader.Flows(Page.First(int.MaxValue), capture.Id));
            long[] anomalies = FlowIds(reader.Anomalies(Page.First(int.MaxValue)).Where(a => a.Capture == capture.Id));
            long[] exchanges = FlowIds(reader.Http(Page.First(int.MaxValue), new HttpFilter { Capture = capture.Id }));
            output.WriteLine($"capture {capture.Id}: {flows.Length} flows, {anomalies.Length} anomalies, {exchanges.Length} exchanges");
            // Emitted per flow as flow, anomaly, exchange: a prefix of that sequence is cut after one of the three.
            Assert.Equal(Enumerable.Range(1, flows.Length).Select(i => (long)i), flows);
            Assert.Equal(flows.Take(anomalies.Length), anomalies);
            Assert.Equal(flows.Take(exchanges.Length), exchanges);
            Assert.InRange(anomalies.Length, flows.Length - 1, flows.Length);
            Assert.InRange(exchanges.Length, anomalies.Length - 1, anomalies.Length);
        }
        // Ids stay dense across the crashes: a batch lost with its process leaves no hole.
        long total = reader.CountFlows();
        Assert.Equal(Enumerable.Range(1, (int)total).Select(i => (long)i), reader.Flows(Page.First(int.MaxValue)).Select(f => f.Id).Order());
    }

    private static long[] FlowIds<TRecord>(IEnumerable<Stored<TRecord>> records) where TRecord : SnifferRecord =>
        records.Select(r => r.Record.FlowId).ToArray();

    private const int Sigint = 2;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
