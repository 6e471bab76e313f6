using Sniffer.TestSupport;

namespace Sniffer.Integration.Tests.Http;

/// <summary>
/// The real nginx/Python captures: the transactions the pipeline reports are the ones tshark dissects
/// (<c>real-truth/&lt;capture&gt;/http-requests.tsv</c>, <c>http-responses.tsv</c>), found with and without the
/// port mapping tshark needed (<c>-d tcp.port==18080,http</c>): the dissector must recognise HTTP by content.
/// </summary>
public sealed class TsharkAgreementTests
{
    public static TheoryData<string, string, bool> Captures()
    {
        var data = new TheoryData<string, string, bool>();
        (string Capture, string Truth)[] captures =
        [
            ("real/http-keepalive-nginx.pcap", "real-truth/http-keepalive-nginx"),
            ("real/http-gzip-nginx.pcap", "real-truth/http-gzip-nginx"),
            ("real/http-methods.pcap", "real-truth/http-methods"),
            ("real/http-cookies.pcap", "real-truth/http-cookies"),
            // tshark loses objects on reordered segments unless told to reassemble out of order; that run is the reference.
            ("real/damaged/http-keepalive-nginx.reorder.pcap", "real-truth/damaged/http-keepalive-nginx.reorder.ooo"),
            ("real/damaged/http-keepalive-nginx.drop.pcap", "real-truth/damaged/http-keepalive-nginx.drop"),
        ];
        foreach ((string capture, string truth) in captures)
        {
            data.Add(capture, truth, true);
            data.Add(capture, truth, false);
        }
        return data;
    }

    [SharedCapturesTheory]
    [MemberData(nameof(Captures))]
    public void Requests_are_tsharks(string capture, string truth, bool mapPorts)
    {
        HttpCaptureRun run = HttpCaptureRun.Of(RepositoryPaths.Shared(capture), mapPorts);

        List<string> expected = TsharkTable.Read(RepositoryPaths.Shared(Path.Combine(truth, "http-requests.tsv"))).Rows
            .Select(r => $"{r["tcp.srcport"]} {r["http.request.method"]} {r["http.request.uri"]} {r["http.request.version"]} host={r["http.host"]}")
            .ToList();
        List<string> actual = run.Exchanges.Where(e => e.Request is not null)
            .OrderBy(e => e.Transaction.Timings.RequestStartNs)
            .Select(e => $"{e.Flow.ClientPort} {e.Request!.Method} {e.Request.Target} {e.Request.Version} host={e.Transaction.Host}")
            .ToList();
        Assert.Equal(expected, actual);
    }

    [SharedCapturesTheory]
    [MemberData(nameof(Captures))]
    public void Responses_are_tsharks_and_answer_the_same_requests(string capture, string truth, bool mapPorts)
    {
        HttpCaptureRun run = HttpCaptureRun.Of(RepositoryPaths.Shared(capture), mapPorts);
        List<TsharkTable.TsharkRow> rows = TsharkTable.Read(RepositoryPaths.Shared(Path.Combine(truth, "http-responses.tsv"))).Rows.ToList();

        // tshark lists interim responses (100 Continue) as responses answering nothing; the dissector keeps them on their exchange.
        // tshark lists a response at the frame that completed its reassembly, so only the order on each connection is comparable.
        List<string> expectedFinal = rows.Where(r => r.Int("http.response.code") >= 200)
            .OrderBy(r => r["tcp.dstport"], StringComparer.Ordinal)
            .Select(r => $"{r["tcp.dstport"]} {r["http.response.code"]} for {r["http.response_for.uri"]}")
            .ToList();
        // Deliberate difference: tshark drops a response whose body lost a segment (it never finishes reassembling it);
        // the dissector reports the response from its intact head, marked incomplete with the missing byte count.
        ILookup<bool, ObservedExchange> byIntegrity = run.Exchanges.Where(e => e.Response is not null)
            .OrderBy(e => e.Flow.ClientPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal)
            .ThenBy(e => e.Transaction.Timings.ResponseStartNs)
            .ToLookup(e => e.Response!.Complete && e.Response.Body?.Incomplete != true);
        List<string> actualFinal = byIntegrity[true]
            .Select(e => $"{e.Flow.ClientPort} {e.Response!.StatusCode} for http://{e.Transaction.Host}{e.Request?.Target}")
            .ToList();
        Assert.Equal(expectedFinal, actualFinal);
        Assert.All(byIntegrity[false], e =>
        {
            Assert.True(e.Flow.ServerGaps > 0, $"{e.Request?.Target}: incomplete without a gap in the server's stream");
            Assert.InRange(e.Response!.Body!.MissingBytes, 1, e.Flow.ServerGapBytes);
        });

        List<string> expectedInterim = rows.Where(r => r.Int("http.response.code") < 200)
            .Select(r => $"{r["tcp.dstport"]} {r["http.response.code"]}")
            .ToList();
        List<string> actualInterim = run.Exchanges.SelectMany(e => e.Transaction.InterimResponses.Select(i => (e.Flow, i)))
            .OrderBy(x => x.i.TimeNs)
            .Select(x => $"{x.Flow.ClientPort} {x.i.StatusCode}")
            .ToList();
        Assert.Equal(expectedInterim, actualInterim);
    }
}
