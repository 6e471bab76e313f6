using System.Diagnostics;
using LiteDB;
using Sniffer.Capture.Files;
using Sniffer.Core.Packets;
using Sniffer.Generator;
using Sniffer.Storage;
using Sniffer.TestSupport;
using Xunit;

namespace Sniffer.Cli.Tests.Live;

/// <summary>
/// Issue 11's live figure: the generator at full speed between two network namespaces over a veth pair with
/// Ethernet's MTU, captured and stored with nothing dropped. tests/tools/veth-capture.sh owns the namespaces,
/// servers, generators and capture; this runs it for about 15 s of traffic and checks its pcap, database and logs.
/// </summary>
public sealed class VethZeroDropTests : IDisposable
{
    /// <summary>Ethernet's largest frame without FCS: the 1500-byte MTU plus the 14-byte header.</summary>
    private const int LargestEthernetFrame = 1514;

    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    private readonly string _folder = Directory.CreateTempSubdirectory("sniffer-veth-test-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [VethCaptureFact]
    public void The_generator_at_full_speed_over_a_veth_pair_is_captured_and_stored_without_drops()
    {
        string pcap = Path.Combine(_folder, "veth.pcap");
        string logs = Path.Combine(_folder, "logs");
        // A count of passes, not a duration: a duration cuts the last pass short, and a mail whose submission it
        // interrupts crosses the wire without an entry in the log. 20 passes are 15 to 30 s of traffic on 2 busy cores.
        ProcessResult run = RunScript(pcap, "--count", "20", "--generators", "2", "--logs", logs, "--keep-db");
        string transcript = run.StandardOutput + run.StandardError;
        Assert.True(run.ExitCode == 0, transcript);
        Assert.Contains("Dropped by kernel:     0", run.StandardOutput);
        Assert.Contains("Dropped by interface:  0", run.StandardOutput);
        Assert.Contains("Dropped by sniffer:    0", run.StandardOutput);

        // The frames are Ethernet-sized: none longer than the MTU allows, and full-sized ones are there (offloads off).
        int largest = 0;
        long frames = 0;
        using (CaptureFileReader reader = CaptureFileReader.Open(pcap))
        {
            while (reader.TryReadNext(out CaptureFrame frame))
            {
                frames++;
                largest = Math.Max(largest, frame.OriginalLength);
            }
        }
        Assert.True(frames > 1000, $"only {frames} frames captured");
        Assert.Equal(LargestEthernetFrame, largest);

        List<GeneratorLog> generated = Directory.GetFiles(logs, "generator-*.json").Select(GeneratorLog.Read).ToList();
        Assert.Equal(2, generated.Count);
        Assert.All(generated, log => Assert.Equal(0, log.Totals.Errors));
        using var store = SessionStoreReader.Open(Path.Combine(_folder, "veth.sniffer.db"));
        Assert.Equal(generated.Sum(log => log.HttpRequests.Count), store.CountHttp());
        Assert.Equal(generated.Sum(log => log.Totals.NotModified), store.CountHttp(new HttpFilter { Status = 304 }));

        // Mail: every message submitted over SMTP and every whole message fetched over IMAP, by MD5.
        List<BsonDocument> messages = store.Documents(StoreCollections.Messages, Page.First(100_000)).ToList();
        Assert.NotEmpty(generated.SelectMany(log => log.Mails));
        Assert.Equal(generated.SelectMany(log => log.Mails).Select(mail => mail.Md5).Order(),
            messages.Where(m => m["source"] == "smtp").Select(m => m["md5"].AsString).Order());
        Assert.Equal(generated.SelectMany(log => log.ImapFetches).Where(fetch => fetch.Section == "BODY[]").Select(fetch => fetch.Md5).Order(),
            messages.Where(m => m["source"] == "imap").Select(m => m["md5"].AsString).Order());
        Assert.True(store.Count(StoreCollections.SmtpSessions) > 0, transcript);
        Assert.True(store.Count(StoreCollections.ImapSessions) > 0, transcript);
    }

    /// <summary>
    /// Runs the script with this build's sniffer, bounded in time. On overrun it is sent SIGTERM first, so its trap
    /// stops what it started and deletes its namespaces; the namespaces (named after its PID) are deleted here too.
    /// </summary>
    private static ProcessResult RunScript(string pcap, params string[] options)
    {
        using Process script = ExternalProgram.Start("bash",
            [Path.Combine(RepositoryPaths.Root, "tests", "tools", "veth-capture.sh"), pcap, .. options],
            new Dictionary<string, string> { ["SNIFFER"] = Path.Combine(AppContext.BaseDirectory, "sniffer") });
        try
        {
            return ExternalProgram.WaitForExit(script, Limit, "veth-capture.sh", terminateFirst: TimeSpan.FromSeconds(30));
        }
        finally
        {
            foreach (string side in new[] { "server", "client" }) Run("ip", "netns", "del", $"sniffer-veth-{script.Id}-{side}");
        }
    }

    /// <summary>Runs a short system command whose outcome does not matter (a namespace may already be gone).</summary>
    private static void Run(string program, params string[] arguments) => VethCaptureFactAttribute.Run(program, arguments);
}
