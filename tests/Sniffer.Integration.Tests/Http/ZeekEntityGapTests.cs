using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Sniffer.Dissectors.Http;
using Sniffer.Dissectors.Http.Records;
using Sniffer.TestSupport;

namespace Sniffer.Integration.Tests.Http;

/// <summary>
/// Zeek's http/entity_gap trace: a segment of a Content-Length body is missing. Zeek's baseline (<c>entity_data</c>)
/// prints each delivered piece of the body and <c>&lt;N byte gap&gt;</c> where bytes are missing; the body kept here
/// must be those pieces in order, with the gap counted and the message still ended at its Content-Length.
/// </summary>
public sealed partial class ZeekEntityGapTests
{
    [SharedCapturesFact]
    public void TheBodyAroundTheGapIsZeeks()
    {
        string baseline = Directory.GetFiles(RepositoryPaths.Shared("peers-oracles/zeek/http/entity_gap.pcap"), "entity_data", SearchOption.AllDirectories).Single();
        (byte[] expectedContent, long expectedMissing) = ReadEntityData(baseline);
        HttpCaptureRun run = HttpCaptureRun.Of(RepositoryPaths.Shared("peers/zeek/http/entity_gap.pcap"));

        HttpResponse response = run.Exchanges.Single().Response!;
        HttpBody body = response.Body!;
        Assert.Equal(HttpBodyFraming.ContentLength, body.Framing);
        Assert.True(body.Incomplete);
        Assert.Equal(expectedMissing, body.MissingBytes);
        Assert.Equal(expectedContent, body.Content);
        // The gap was inside the body: the framing was kept (the Content-Length is all accounted for) and nothing
        // had to be resynchronised. Only bytes seen count as decoded.
        Assert.Equal(expectedContent.Length + expectedMissing, body.EncodedLength);
        Assert.Equal(expectedContent.Length, body.DecodedLength);
        Assert.True(response.Complete);
        Assert.Contains(run.Anomalies, a => a.Kind == HttpAnomalyKinds.BodyGap);
        Assert.DoesNotContain(run.Anomalies, a => a.Kind == HttpAnomalyKinds.Resynchronised);
    }

    /// <summary>One delivered piece per line, bytes outside printable ASCII as <c>\xNN</c>; gap lines give their length.</summary>
    private static (byte[] Content, long Missing) ReadEntityData(string path)
    {
        var content = new List<byte>();
        long missing = 0;
        foreach (string line in File.ReadAllLines(path).Where(l => !l.StartsWith('#')))
        {
            if (GapLine().Match(line) is { Success: true } gap)
            {
                missing += long.Parse(gap.Groups[1].Value, CultureInfo.InvariantCulture);
                continue;
            }
            for (int i = 0; i < line.Length; i++)
            {
                if (line[i] == '\\' && i + 3 < line.Length && line[i + 1] == 'x')
                {
                    content.Add(byte.Parse(line.AsSpan(i + 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 3;
                }
                else
                {
                    content.AddRange(Encoding.Latin1.GetBytes(line[i].ToString()));
                }
            }
        }
        return (content.ToArray(), missing);
    }

    [GeneratedRegex(@"^<(\d+) byte gap>$")]
    private static partial Regex GapLine();
}
