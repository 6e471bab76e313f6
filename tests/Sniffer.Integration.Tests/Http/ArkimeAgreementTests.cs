using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Sniffer.TestSupport;

namespace Sniffer.Integration.Tests.Http;

/// <summary>
/// Arkime's HTTP capture tests (<c>peers/arkime/tests/pcap/*.pcap</c>) against the sessions Arkime is tested to
/// produce (<c>peers-oracles/arkime/tests/pcap/&lt;name&gt;.test</c>). Arkime keeps de-duplicated sets per
/// connection, so each connection's set of methods, hosts, paths and status codes (interim ones included) is
/// compared, and the MD5s of its bodies.
/// </summary>
public sealed class ArkimeAgreementTests
{
    public static TheoryData<string> Traces() =>
    [
        "80211http", "http-100-continue", "http-301-get", "http-digestauth", "http-no-length", "http-post-upload",
        "http-simple-get", "http-syn-ack", "http-wrapped-header", "v6-http",
    ];

    [SharedCapturesTheory]
    [MemberData(nameof(Traces))]
    public void ConnectionsCarryArkimesTransactions(string trace)
    {
        HttpCaptureRun run = HttpCaptureRun.Of(RepositoryPaths.Shared($"peers/arkime/tests/pcap/{trace}.pcap"));
        using JsonDocument oracle = JsonDocument.Parse(File.ReadAllText(RepositoryPaths.Shared($"peers-oracles/arkime/tests/pcap/{trace}.test")));

        List<string> expected = [];
        Dictionary<string, HashSet<string>> expectedMd5s = [];
        foreach (JsonElement session in oracle.RootElement.GetProperty("sessions3").EnumerateArray())
        {
            JsonElement body = session.GetProperty("body");
            if (!body.TryGetProperty("http", out JsonElement http)) continue;
            string connection = $"{body.GetProperty("source").GetProperty("port")}->{body.GetProperty("destination").GetProperty("port")}";
            expected.Add(Describe(connection, Set(http, "method"), Set(http, "host").Select(WithoutPort), Set(http, "path"), Set(http, "statuscode")));
            expectedMd5s[connection] = Set(http, "md5").OfType<string>().ToHashSet();
        }

        List<string> actual = run.Exchanges.GroupBy(e => e.Flow.FlowId).Select(flow =>
        {
            ObservedExchange[] exchanges = flow.ToArray();
            string connection = $"{exchanges[0].Flow.ClientPort}->{exchanges[0].Flow.ServerPort}";
            AssertBodyMd5s(expectedMd5s.GetValueOrDefault(connection) ?? [], exchanges);
            return Describe(connection,
                exchanges.Select(e => e.Request?.Method),
                exchanges.Select(e => WithoutPort(e.Request?.Headers.FirstOrDefault(h => h.Name.Equals("Host", StringComparison.OrdinalIgnoreCase))?.Value.ToLowerInvariant())),
                // Arkime's path stops at the query.
                exchanges.Select(e => e.Request?.Target.Split('?')[0]),
                exchanges.SelectMany(e => e.Transaction.InterimResponses.Select(i => (int?)i.StatusCode).Append(e.Response?.StatusCode))
                    .Select(code => code?.ToString(CultureInfo.InvariantCulture)));
        }).ToList();

        Lines.AssertEqual(expected.Order(StringComparer.Ordinal).ToList(), actual.Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>
    /// Arkime hashes request and response bodies after removing the chunking but before content decoding; a decoded
    /// body is all that is kept here, so a connection with gzip bodies can only be checked for its uncoded ones.
    /// </summary>
    private static void AssertBodyMd5s(HashSet<string> expected, ObservedExchange[] exchanges)
    {
        Sniffer.Dissectors.Http.Records.HttpBody[] bodies = exchanges.SelectMany(e => new[] { e.Request?.Body, e.Response?.Body })
            .OfType<Sniffer.Dissectors.Http.Records.HttpBody>().Where(b => b.DecodedLength > 0).ToArray();
        HashSet<string> uncoded = bodies.Where(b => b.ContentEncodings.Count == 0).Select(b => Convert.ToHexStringLower(MD5.HashData(b.Content))).ToHashSet();
        if (bodies.All(b => b.ContentEncodings.Count == 0)) Assert.Equal(expected.Order(), uncoded.Order());
        else Assert.Subset(expected, uncoded);
    }

    /// <summary>Arkime lists a Host with a port also without it (http-post-upload); comparing without the port is fair to both.</summary>
    private static string? WithoutPort(string? host)
    {
        if (host is null) return null;
        int colon = host.LastIndexOf(':');
        return colon > host.LastIndexOf(']') ? host[..colon] : host;
    }

    private static IEnumerable<string?> Set(JsonElement http, string field) =>
        http.TryGetProperty(field, out JsonElement values) ? values.EnumerateArray().Select(v => v.ToString()) : [];

    private static string Describe(string connection, params IEnumerable<string?>[] sets) =>
        connection + " " + string.Join(" | ", sets.Select(set => string.Join(",", set.OfType<string>().Distinct().Order(StringComparer.Ordinal))));
}
