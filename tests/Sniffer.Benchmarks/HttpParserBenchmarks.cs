using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Sniffer.Benchmarks.Support;
using Sniffer.Benchmarks.Traffic;
using Sniffer.Core.Dissection;
using Sniffer.Dissectors.Http.Parsing;

namespace Sniffer.Benchmarks;

/// <summary>
/// <see cref="HttpMessageParser"/> on a browser's request head (12 fields, 507 bytes) and a server's response head
/// (11 fields, 377 bytes), each whole in one buffer: start line, then the header section. The handler only counts,
/// so this is the parser's own cost; it should allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class HttpParserBenchmarks
{
    private static readonly byte[] Request = Encoding.ASCII.GetBytes(HttpTraffic.RequestHead);
    private static readonly byte[] Response = Encoding.ASCII.GetBytes(HttpTraffic.ResponseHead);
    private static readonly HttpParserLimits Limits = new(
        DissectorSettings.Default.MaxLineBytes, DissectorSettings.Default.MaxHeaderBytes, DissectorSettings.Default.MaxHeaderCount);

    public static long RequestBytes => Request.Length;

    public static long ResponseBytes => Response.Length;

    [GlobalSetup]
    public void Setup()
    {
        if (RequestHead() != HttpTraffic.RequestHeadFields || ResponseHead() != HttpTraffic.ResponseHeadFields) throw new InvalidOperationException("the heads did not parse into their fields");
    }

    [Benchmark]
    [BytesPerOperation(nameof(RequestBytes))]
    public int RequestHead()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Request));
        var handler = new CountingHandler();
        var progress = new HttpScanProgress();
        if (!HttpMessageParser.TryParseRequestLine(ref reader, ref handler, Limits, ref progress)) return -1;
        progress = new HttpScanProgress();
        return HttpMessageParser.TryParseHeaders(ref reader, ref handler, Limits, ref progress) ? handler.Fields : -1;
    }

    [Benchmark]
    [BytesPerOperation(nameof(ResponseBytes))]
    public int ResponseHead()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Response));
        var handler = new CountingHandler();
        var progress = new HttpScanProgress();
        if (!HttpMessageParser.TryParseStatusLine(ref reader, ref handler, Limits, ref progress)) return -1;
        progress = new HttpScanProgress();
        return HttpMessageParser.TryParseHeaders(ref reader, ref handler, Limits, ref progress) ? handler.Fields : -1;
    }

    /// <summary>Counts what the parser reports and keeps nothing; a struct, so the parser's calls are devirtualised as the dissector's are.</summary>
    private struct CountingHandler : IHttpRequestLineHandler, IHttpStatusLineHandler, IHttpHeadersHandler
    {
        public int Fields;
        public int ValueBytes;

        public void OnLeniency(HttpLeniency leniency) => throw new InvalidOperationException($"benchmark input needed leniency: {leniency}");

        public void OnRequestLine(ReadOnlySpan<byte> method, ReadOnlySpan<byte> target, HttpProtocolVersion version) => ValueBytes += target.Length;

        public void OnStatusLine(HttpProtocolVersion version, int statusCode, ReadOnlySpan<byte> reasonPhrase) => ValueBytes += statusCode;

        public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
        {
            Fields++;
            ValueBytes += value.Length;
        }
    }
}
