using BenchmarkDotNet.Attributes;
using Sniffer.Benchmarks.Support;
using Sniffer.Benchmarks.Traffic;
using Sniffer.Core.Dissection;
using Sniffer.Dissectors.Http;
using Sniffer.Dissectors.Http.Records;
using Sniffer.Dissectors.Smtp;
using Sniffer.Dissectors.Smtp.Records;
using Sniffer.TestSupport;

namespace Sniffer.Benchmarks;

/// <summary>
/// Stream dissectors over whole connections, fed in MTU-sized segments as the reassembler feeds them, with the default
/// settings (bodies and messages kept, hashed and typed). Each call is a new flow: dissector creation to the last
/// record.
/// <list type="bullet">
/// <item>HTTP: one keep-alive connection of six exchanges (about 64 KB: bodies framed by Content-Length and chunked, a
/// 304, a form POST).</item>
/// <item>SMTP: a whole submission session (about 6 KB: EHLO, AUTH PLAIN, MAIL, two RCPTs, DATA with a multipart MIME
/// message and attachment, QUIT): command and reply parsing, the envelope, and the message parsed into a mail record.</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
public class StreamDissectorBenchmarks
{
    private static readonly StreamReplay HttpConnection = new(HttpTraffic.KeepAliveConnection(), serverPort: 80);
    private static readonly StreamReplay SmtpSession = new(SmtpTraffic.SubmissionSession(), serverPort: 587);

    private readonly HttpDissectorFactory _http = new();
    private readonly SmtpDissectorFactory _smtp = new();
    private readonly CountingSink _sink = new();
    private long _flowId;

    public static long HttpConnectionBytes => HttpConnection.Bytes;

    public static long SmtpSessionBytes => SmtpSession.Bytes;

    [GlobalSetup]
    public void Setup()
    {
        var httpRecords = new ListSink();
        HttpConnection.Play(_http, 1, httpRecords, DissectorSettings.Default);
        InputCheck.Expect<HttpTransaction>(httpRecords, HttpTraffic.Exchanges, "HTTP keep-alive connection");
        var smtpRecords = new ListSink();
        SmtpSession.Play(_smtp, 2, smtpRecords, DissectorSettings.Default);
        InputCheck.Expect<SmtpTransaction>(smtpRecords, 1, "SMTP submission session");
    }

    [Benchmark]
    [BytesPerOperation(nameof(HttpConnectionBytes))]
    public long HttpKeepAliveConnection() => Play(HttpConnection, _http);

    [Benchmark]
    [BytesPerOperation(nameof(SmtpSessionBytes))]
    public long SmtpSubmissionSession() => Play(SmtpSession, _smtp);

    /// <summary>Returns the records emitted so far so the work cannot be optimised away.</summary>
    private long Play(StreamReplay connection, IDissectorFactory factory)
    {
        connection.Play(factory, ++_flowId, _sink, DissectorSettings.Default);
        return _sink.Records;
    }
}
