using Sniffer.Core.Records;
using Sniffer.Dissectors.Http.Records;

namespace Sniffer.Ui.Tests;

/// <summary>Records a capture rarely offers on demand: hostile text, many rows.</summary>
internal static class Records
{
    public const long BaseNs = 1_700_000_100_000_000_000;
    public const string ClearScreen = "\u001b[2J";

    /// <summary>An exchange whose Host, URI and a header carry terminal escape sequences.</summary>
    public static HttpTransaction Hostile(long flow) => Exchange(flow, 1, $"evil{ClearScreen}.example", $"/x{ClearScreen}", 200,
        [new("Host", "evil.example"), new("X-Evil", $"before{ClearScreen}after\u001b]0;owned\u0007")]);

    public static HttpTransaction Exchange(long flow, int index, string host, string target, int status, IReadOnlyList<HttpHeader>? headers = null)
    {
        long start = BaseNs + flow * 1_000_000 + index;
        return new HttpTransaction
        {
            FlowId = flow,
            TimeNs = start,
            Index = index,
            Host = host,
            Request = new HttpRequest { Method = "GET", Target = target, TargetForm = HttpTargetForm.Origin, Version = "HTTP/1.1", Headers = headers ?? [new("Host", host)] },
            Response = new HttpResponse { Version = "HTTP/1.1", StatusCode = status, ReasonPhrase = "OK", Headers = [new("Content-Type", "text/plain")] },
            Timings = new HttpTimings { RequestStartNs = start, RequestEndNs = start + 1_000, ResponseStartNs = start + 3_000_000, ResponseEndNs = start + 4_000_000 },
            Caching = new HttpCaching(),
        };
    }

    public static Anomaly Anomaly(long flow, string detail) => new()
    {
        FlowId = flow,
        TimeNs = BaseNs + flow,
        Kind = "test_anomaly",
        Source = "test",
        Detail = detail,
    };
}
