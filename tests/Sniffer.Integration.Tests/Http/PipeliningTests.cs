using System.Globalization;
using System.Text.RegularExpressions;
using Sniffer.Dissectors.Http.Records;
using Sniffer.TestSupport;

namespace Sniffer.Integration.Tests.Http;

/// <summary>
/// suricata-verify's http-pipeline-files-with-gap: the third GET leaves while the second response is still arriving,
/// and that response loses a segment. tshark merges pipelined requests and pairs only the first response; Suricata's
/// oracle (test.yaml) expects three files, one truncated by the gap, with its size and hash.
/// </summary>
public sealed partial class PipeliningTests
{
    private const string Test = "http-pipeline-files-with-gap";

    [SharedCapturesFact]
    public void EveryResponseIsPairedAndTheGappedBodyIsSuricatas()
    {
        string oracle = File.ReadAllText(RepositoryPaths.Shared($"peers-oracles/suricata-verify/tests/{Test}/test.yaml"));
        int files = int.Parse(FileCount().Match(oracle).Groups[1].Value, CultureInfo.InvariantCulture);
        long truncatedSize = long.Parse(TruncatedSize().Match(oracle).Groups[1].Value, CultureInfo.InvariantCulture);
        string truncatedSha256 = TruncatedSha256().Match(oracle).Groups[1].Value;

        HttpCaptureRun run = HttpCaptureRun.Of(RepositoryPaths.Shared($"peers/suricata-verify/tests/{Test}/input.pcap"));

        ObservedExchange[] exchanges = run.Exchanges.ToArray();
        Assert.All(exchanges, e =>
        {
            Assert.NotNull(e.Request);
            Assert.NotNull(e.Response);
            Assert.True(e.Transaction.Timings.ResponseStartNs > e.Transaction.Timings.RequestStartNs, "a response paired with a later request");
        });
        Assert.True(exchanges[2].Transaction.Timings.RequestStartNs < exchanges[1].Transaction.Timings.ResponseEndNs, "the third request is not pipelined");

        HttpBody[] bodies = exchanges.Select(e => e.Response!.Body).OfType<HttpBody>().ToArray();
        Assert.Equal(files, bodies.Length);
        HttpBody truncated = Assert.Single(bodies, b => b.Incomplete);
        // Suricata's file size counts the bytes lost in the gap; its hash covers the bytes it saw, as ours does.
        Assert.Equal(truncatedSize, truncated.EncodedLength);
        Assert.Equal(truncatedSize, truncated.MissingBytes);
        Assert.Equal(truncatedSha256, truncated.Sha256);
        Assert.DoesNotContain(run.Anomalies, a => a.Kind == Sniffer.Dissectors.Http.HttpAnomalyKinds.Resynchronised);
    }

    [GeneratedRegex(@"count: (\d+)\s+match:\s+event_type: fileinfo\s*\n\s*-")]
    private static partial Regex FileCount();

    [GeneratedRegex(@"fileinfo\.size: (\d+)")]
    private static partial Regex TruncatedSize();

    [GeneratedRegex(@"fileinfo\.sha256: ([0-9a-f]{64})")]
    private static partial Regex TruncatedSha256();
}
