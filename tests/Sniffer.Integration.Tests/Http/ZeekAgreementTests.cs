using System.Globalization;
using Sniffer.Dissectors.Http.Records;
using Sniffer.TestSupport;

namespace Sniffer.Integration.Tests.Http;

/// <summary>
/// Zeek's own HTTP traces against the http.log baselines its test suite diffs (<c>peers-oracles/zeek/&lt;trace&gt;/&lt;test&gt;/</c>).
/// Only the columns the baseline kept (TEST-EXEC.txt: full logs, or <c>btest-diff-cut</c> subsets) are compared.
/// </summary>
public sealed class ZeekAgreementTests
{
    // Zeek's http.log columns with a counterpart here; the others (uids, fuids, MIME sniffing, …) are Zeek's own.
    private static readonly string[] ComparedColumns =
        ["id.orig_p", "id.resp_p", "trans_depth", "method", "host", "uri", "status_code", "request_body_len", "response_body_len"];

    public static TheoryData<string, string> HttpLogs()
    {
        var data = new TheoryData<string, string>();
        string? oracles = RepositoryPaths.SharedCaptures is null ? null : RepositoryPaths.Shared("peers-oracles/zeek");
        if (oracles is null || !Directory.Exists(oracles))
        {
            data.Add("", "");
            return data;
        }
        foreach (string log in Directory.EnumerateFiles(oracles, "http.log", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            // <oracles>/<trace path>/<test name>/http.log
            string trace = Path.GetRelativePath(oracles, Path.GetDirectoryName(Path.GetDirectoryName(log))!);
            data.Add(trace, Path.GetRelativePath(oracles, log));
        }
        return data;
    }

    [SharedCapturesTheory]
    [MemberData(nameof(HttpLogs))]
    public void Transactions_are_zeeks(string trace, string httpLog)
    {
        ZeekLog baseline = ZeekLog.Read(RepositoryPaths.Shared(Path.Combine("peers-oracles/zeek", httpLog)));
        HttpCaptureRun run = HttpCaptureRun.Of(RepositoryPaths.Shared(Path.Combine("peers/zeek", trace)));
        string[] columns = ComparedColumns.Where(baseline.Columns.Contains).ToArray();

        List<string> expected = baseline.Rows.Where(IsComparable).Select(row => string.Join(' ', columns.Select(c => $"{c}={row[c]}"))).Order(StringComparer.Ordinal).ToList();
        List<string> actual = run.Exchanges.Select(e => string.Join(' ', columns.Select(c => $"{c}={ZeekValue(e, c)}"))).Order(StringComparer.Ordinal).ToList();
        Lines.AssertEqual(expected, actual, string.Join('\n', run.Anomalies.Select(a => $"{a.Kind}: {a.Detail}")) + "\n" + string.Join('\n', run.Flows.Select(f => $"{f.Client} {f.Server} {f.Protocol} disabled={f.DissectorDisabled}")));
    }

    /// <summary>The rows with a counterpart here; each exclusion is a deliberate difference.</summary>
    private static bool IsComparable(IReadOnlyDictionary<string, string> row)
    {
        // Zeek logs an empty record (no request, no reply) when a connection carries bytes after an HTTP/0.9 reply;
        // there is no exchange to report.
        if (row.GetValueOrDefault("method") == "-" && row.GetValueOrDefault("status_code") == "-") return false;
        // Zeek accepts any method in an HTTP/0.9 simple request; RFC 1945 §4.1 defines only GET, and a versionless
        // "POST /x" line is not recognised as HTTP here.
        if (row.GetValueOrDefault("version") == "0.9" && row.GetValueOrDefault("method") != "GET") return false;
        return true;
    }

    /// <summary>An exchange's value for a http.log column, in Zeek's notation.</summary>
    private static string ZeekValue(ObservedExchange exchange, string column)
    {
        HttpRequest? request = exchange.Request;
        HttpResponse? response = exchange.Response;
        return column switch
        {
            "id.orig_p" => Number(exchange.Flow.ClientPort),
            "id.resp_p" => Number(exchange.Flow.ServerPort),
            "trans_depth" => Number(exchange.Transaction.Index),
            "method" => request?.Method ?? "-",
            // Zeek's host is the Host header alone; the transaction's Host also falls back to an absolute or CONNECT target.
            "host" => request?.Headers.FirstOrDefault(h => h.Name.Equals("Host", StringComparison.OrdinalIgnoreCase))?.Value ?? "-",
            "uri" => request?.Target ?? "-",
            "status_code" => response is null ? "-" : Number(response.StatusCode),
            // Zeek's body lengths are after content decoding ("actual uncompressed content size").
            "request_body_len" => Number(request?.Body?.DecodedLength ?? 0),
            "response_body_len" => Number(response?.Body?.DecodedLength ?? 0),
            _ => throw new ArgumentOutOfRangeException(nameof(column), column, null),
        };
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
