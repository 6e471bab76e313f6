using System.Buffers;
using System.Text;
using Sniffer.Dissectors.Http.Parsing;
using Sniffer.Dissectors.Http.Tests.Support;
using Xunit;

namespace Sniffer.Dissectors.Http.Tests;

public class HttpMessageParserTests
{
    private static readonly HttpParserLimits Limits = new(MaxLineBytes: 256, MaxHeaderBytes: 1024, MaxHeaderCount: 10);

    private const string ValidRequestLine = "GET /index.html?q=1 HTTP/1.1\r\n";
    private const string ValidStatusLine = "HTTP/1.1 404 Not Found\r\n";
    private const string ValidHeaders = "Host: example.com\r\nX-Folded: one\r\n two\r\nAccept: */*\r\n\r\n";

    public static TheoryData<string> RequestLinePrefixes => Prefixes(ValidRequestLine);

    public static TheoryData<string> StatusLinePrefixes => Prefixes(ValidStatusLine);

    public static TheoryData<string> HeaderPrefixes => Prefixes(ValidHeaders);

    [Theory]
    [MemberData(nameof(RequestLinePrefixes))]
    public void RequestLinePrefixNeedsMoreDataAndConsumesNothing(string prefix)
    {
        var reader = Reader(prefix);
        var progress = new HttpScanProgress();
        var handler = new RecordingHandler(new Recorded());

        Assert.False(HttpMessageParser.TryParseRequestLine(ref reader, ref handler, Limits, ref progress));
        Assert.Equal(0, reader.Consumed);
        Assert.Null(handler.Recorded.Method);
    }

    [Theory]
    [MemberData(nameof(StatusLinePrefixes))]
    public void StatusLinePrefixNeedsMoreDataAndConsumesNothing(string prefix)
    {
        var reader = Reader(prefix);
        var progress = new HttpScanProgress();
        var handler = new RecordingHandler(new Recorded());

        Assert.False(HttpMessageParser.TryParseStatusLine(ref reader, ref handler, Limits, ref progress));
        Assert.Equal(0, reader.Consumed);
    }

    [Theory]
    [MemberData(nameof(HeaderPrefixes))]
    public void HeaderSectionPrefixNeedsMoreDataAndConsumesNothing(string prefix)
    {
        var reader = Reader(prefix);
        var progress = new HttpScanProgress();
        var handler = new RecordingHandler(new Recorded());

        Assert.False(HttpMessageParser.TryParseHeaders(ref reader, ref handler, Limits, ref progress));
        Assert.Equal(0, reader.Consumed);
        Assert.Empty(handler.Recorded.Headers);
    }

    [Fact]
    public void ParsingResumesWhereTheLastCallStoppedLooking()
    {
        byte[] bytes = Encoding.ASCII.GetBytes(ValidRequestLine + ValidHeaders);
        var handler = new RecordingHandler(new Recorded());
        var progress = new HttpScanProgress();
        int length = 0;
        long consumed = 0;
        bool headers = false;
        while (!headers)
        {
            // Offer the unconsumed bytes plus one more, carrying the progress like the dissector does.
            length++;
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes, (int)consumed, length - (int)consumed));
            bool done = handler.Recorded.Method is null
                ? HttpMessageParser.TryParseRequestLine(ref reader, ref handler, Limits, ref progress)
                : headers = HttpMessageParser.TryParseHeaders(ref reader, ref handler, Limits, ref progress);
            Assert.True(done || reader.Consumed == 0);
            consumed += reader.Consumed;
        }

        Assert.Equal(bytes.Length, length);
        Assert.Equal("GET /index.html?q=1 HTTP/1.1|Host=example.com|X-Folded=one two|Accept=*/*|ObsoleteLineFolding", handler.Recorded.Describe());
    }

    [Fact]
    public void EverySplitPointGivesTheSameMessageHead()
    {
        byte[] bytes = Encoding.ASCII.GetBytes(ValidRequestLine + ValidHeaders + "body");
        string? expected = null;
        for (int at = 0; at <= bytes.Length; at++)
        {
            var reader = new SequenceReader<byte>(Sequences.Split(bytes, at));
            var progress = new HttpScanProgress();
            var handler = new RecordingHandler(new Recorded());

            Assert.True(HttpMessageParser.TryParseRequestLine(ref reader, ref handler, Limits, ref progress));
            Assert.True(HttpMessageParser.TryParseHeaders(ref reader, ref handler, Limits, ref progress));

            Assert.Equal(bytes.Length - 4, reader.Consumed);
            string actual = handler.Recorded.Describe();
            expected ??= actual;
            Assert.Equal(expected, actual);
        }
        Assert.Equal("GET /index.html?q=1 HTTP/1.1|Host=example.com|X-Folded=one two|Accept=*/*|ObsoleteLineFolding", expected);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n", "GET", "/", "HTTP/1.1")]
    [InlineData("get / HTTP/1.0\n", "get", "/", "HTTP/1.0")]
    [InlineData("CONNECT example.com:443 HTTP/1.1\r\n", "CONNECT", "example.com:443", "HTTP/1.1")]
    [InlineData("OPTIONS * HTTP/1.1\r\n", "OPTIONS", "*", "HTTP/1.1")]
    [InlineData("GET http://example.com/a HTTP/1.1\r\n", "GET", "http://example.com/a", "HTTP/1.1")]
    [InlineData("BREW /pot HTTP/1.1\r\n", "BREW", "/pot", "HTTP/1.1")]
    [InlineData("GET /a b HTTP/1.1\r\n", "GET", "/a b", "HTTP/1.1")]
    [InlineData("GET /legacy\r\n", "GET", "/legacy", "HTTP/0.9")]
    public void ParsesRequestLines(string line, string method, string target, string version)
    {
        var reader = Reader(line);
        var progress = new HttpScanProgress();
        var handler = new RecordingHandler(new Recorded());

        Assert.True(HttpMessageParser.TryParseRequestLine(ref reader, ref handler, Limits, ref progress));

        Assert.Equal((method, target, version), (handler.Recorded.Method, handler.Recorded.Target, handler.Recorded.Version));
        Assert.Equal(line.Length, reader.Consumed);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\n", 200, "OK")]
    [InlineData("HTTP/1.0 304\r\n", 304, "")]
    [InlineData("HTTP/1.1 500 Internal Server Error\n", 500, "Internal Server Error")]
    public void ParsesStatusLines(string line, int status, string reason)
    {
        var reader = Reader(line);
        var progress = new HttpScanProgress();
        var handler = new RecordingHandler(new Recorded());

        Assert.True(HttpMessageParser.TryParseStatusLine(ref reader, ref handler, Limits, ref progress));

        Assert.Equal(status, handler.Recorded.StatusCode);
        Assert.Equal(reason, handler.Recorded.Reason);
    }

    [Theory]
    [InlineData(" / HTTP/1.1\r\n", HttpViolation.InvalidRequestLine)]
    [InlineData("G@T / HTTP/1.1\r\n", HttpViolation.InvalidRequestLine)]
    [InlineData("POST /only-get-is-0.9\r\n", HttpViolation.InvalidRequestLine)]
    [InlineData("GET / HTTP/1.x\r\n", HttpViolation.InvalidVersion)]
    [InlineData("GET / http/1.1\r\n", HttpViolation.InvalidVersion)]
    [InlineData("GET /\u0001 HTTP/1.1\r\n", HttpViolation.InvalidRequestLine)]
    public void RejectsRequestLines(string line, HttpViolation expected)
    {
        var exception = Assert.Throws<HttpViolationException>(() =>
        {
            var reader = Reader(line);
            var progress = new HttpScanProgress();
            var handler = new RecordingHandler(new Recorded());
            HttpMessageParser.TryParseRequestLine(ref reader, ref handler, Limits, ref progress);
        });
        Assert.Equal(expected, exception.Violation);
    }

    [Theory]
    [InlineData("HTTP/1.1 20 OK\r\n")]
    [InlineData("HTTP/1.1 2000 OK\r\n")]
    [InlineData("HTTX/1.1 200 OK\r\n")]
    [InlineData("HTTP/1.1\r\n")]
    public void RejectsStatusLines(string line)
    {
        var exception = Assert.Throws<HttpViolationException>(() =>
        {
            var reader = Reader(line);
            var progress = new HttpScanProgress();
            var handler = new RecordingHandler(new Recorded());
            HttpMessageParser.TryParseStatusLine(ref reader, ref handler, Limits, ref progress);
        });
        Assert.Equal(HttpViolation.InvalidStatusLine, exception.Violation);
    }

    [Theory]
    [InlineData(": empty name\r\n\r\n", HttpViolation.InvalidHeaderLine)]
    [InlineData(" leading: fold\r\n\r\n", HttpViolation.InvalidHeaderLine)]
    [InlineData("Bad Name: x\r\n\r\n", HttpViolation.InvalidHeaderLine)]
    public void RejectsHeaderLines(string block, HttpViolation expected)
    {
        Assert.Equal(expected, ParseHeadersExpectingViolation(block, Limits));
    }

    [Fact]
    public void RejectsTooManyHeaders()
    {
        string block = string.Concat(Enumerable.Range(0, 11).Select(i => $"X-{i}: v\r\n")) + "\r\n";
        Assert.Equal(HttpViolation.TooManyHeaders, ParseHeadersExpectingViolation(block, Limits));
    }

    [Fact]
    public void RejectsHeaderSectionOverTheByteLimit()
    {
        string block = string.Concat(Enumerable.Range(0, 9).Select(i => $"X-{i}: {new string('v', 200)}\r\n"));
        Assert.Equal(HttpViolation.HeadersTooLarge, ParseHeadersExpectingViolation(block, Limits));
    }

    [Fact]
    public void RejectsALineLongerThanTheLimitBeforeItsEndArrives()
    {
        Assert.Equal(HttpViolation.LineTooLong, ParseHeadersExpectingViolation("X: " + new string('a', 300), Limits));
    }

    [Fact]
    public void AcceptsALineExactlyAtTheLimit()
    {
        string line = "X: " + new string('a', Limits.MaxLineBytes - 3) + "\r\n\r\n";
        var reader = Reader(line);
        var progress = new HttpScanProgress();
        var handler = new RecordingHandler(new Recorded());

        Assert.True(HttpMessageParser.TryParseHeaders(ref reader, ref handler, Limits, ref progress));
    }

    [Fact]
    public void SkipsALineWithoutAColonAsALeniency()
    {
        var reader = Reader("Host: a\r\nMozilla 4.0 (compatible; MSIE 5.01)\r\nX: b\r\n\r\n");
        var progress = new HttpScanProgress();
        var handler = new RecordingHandler(new Recorded());

        Assert.True(HttpMessageParser.TryParseHeaders(ref reader, ref handler, Limits, ref progress));

        Assert.Equal(HttpLeniency.FieldLineWithoutColon, handler.Recorded.Leniencies);
        Assert.Equal(["Host", "X"], handler.Recorded.Headers.Select(h => h.Name));
        Assert.True(reader.End);
    }

    [Fact]
    public void ReportsLeniencies()
    {
        var reader = Reader("Host : a\nX: b\r\n\r\n");
        var progress = new HttpScanProgress();
        var handler = new RecordingHandler(new Recorded());

        Assert.True(HttpMessageParser.TryParseHeaders(ref reader, ref handler, Limits, ref progress));

        Assert.Equal(HttpLeniency.WhitespaceBeforeColon | HttpLeniency.BareLineFeed, handler.Recorded.Leniencies);
        Assert.Equal("Host", handler.Recorded.Headers[0].Name);
    }

    [Theory]
    [InlineData("1a\r\n", 26, "")]
    [InlineData("0\r\n", 0, "")]
    [InlineData("FF;name=value;x\r\n", 255, "name=value;x")]
    [InlineData("10 ; ext\n", 16, " ext")]
    public void ParsesChunkHeaders(string line, long size, string extensions)
    {
        var reader = Reader(line);
        var progress = new HttpScanProgress();
        var handler = new RecordingHandler(new Recorded());

        Assert.True(HttpMessageParser.TryParseChunkHeader(ref reader, ref handler, Limits, ref progress, out long chunkSize, out ReadOnlySpan<byte> ext));

        Assert.Equal(size, chunkSize);
        Assert.Equal(extensions, Encoding.ASCII.GetString(ext));
    }

    [Theory]
    [InlineData("xyz\r\n")]
    [InlineData("1 2\r\n")]
    [InlineData("1234567890abcdef0\r\n")]
    public void RejectsChunkSizes(string line)
    {
        var exception = Assert.Throws<HttpViolationException>(() =>
        {
            var reader = Reader(line);
            var progress = new HttpScanProgress();
            var handler = new RecordingHandler(new Recorded());
            HttpMessageParser.TryParseChunkHeader(ref reader, ref handler, Limits, ref progress, out _, out _);
        });
        Assert.Equal(HttpViolation.InvalidChunkSize, exception.Violation);
    }

    [Fact]
    public void RejectsChunkDataWithoutItsLineEnd()
    {
        var exception = Assert.Throws<HttpViolationException>(() =>
        {
            var reader = Reader("xy");
            var handler = new RecordingHandler(new Recorded());
            HttpMessageParser.TryParseChunkDataEnd(ref reader, ref handler);
        });
        Assert.Equal(HttpViolation.MissingChunkTerminator, exception.Violation);
    }

    [Fact]
    public void ViolationDetailIsEscaped()
    {
        var exception = Assert.Throws<HttpViolationException>(() =>
        {
            var reader = Reader("GET /\u001b[2J HTTP/1.1\r\n");
            var progress = new HttpScanProgress();
            var handler = new RecordingHandler(new Recorded());
            HttpMessageParser.TryParseRequestLine(ref reader, ref handler, Limits, ref progress);
        });
        Assert.DoesNotContain('\u001b', exception.Detail);
        Assert.Contains("\\x1b[2J", exception.Detail);
    }

    private static HttpViolation ParseHeadersExpectingViolation(string block, HttpParserLimits limits) =>
        Assert.Throws<HttpViolationException>(() =>
        {
            var reader = Reader(block);
            var progress = new HttpScanProgress();
            var handler = new RecordingHandler(new Recorded());
            HttpMessageParser.TryParseHeaders(ref reader, ref handler, limits, ref progress);
        }).Violation;

    private static SequenceReader<byte> Reader(string text) => new(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(text)));

    private static TheoryData<string> Prefixes(string text)
    {
        var data = new TheoryData<string>();
        for (int length = 0; length < text.Length; length++) data.Add(text[..length]);
        return data;
    }

    private sealed class Recorded
    {
        public string? Method { get; set; }
        public string? Target { get; set; }
        public string? Version { get; set; }
        public int StatusCode { get; set; }
        public string? Reason { get; set; }
        public List<(string Name, string Value)> Headers { get; } = [];
        public HttpLeniency Leniencies { get; set; }

        public string Describe() =>
            string.Join('|', [$"{Method} {Target} {Version}", .. Headers.Select(h => $"{h.Name}={h.Value}"), Leniencies.ToString()]);
    }

    private readonly struct RecordingHandler(Recorded recorded) : IHttpRequestLineHandler, IHttpStatusLineHandler, IHttpHeadersHandler
    {
        public Recorded Recorded => recorded;

        public void OnRequestLine(ReadOnlySpan<byte> method, ReadOnlySpan<byte> target, HttpProtocolVersion version)
        {
            recorded.Method = Encoding.Latin1.GetString(method);
            recorded.Target = Encoding.Latin1.GetString(target);
            recorded.Version = version.ToString();
        }

        public void OnStatusLine(HttpProtocolVersion version, int statusCode, ReadOnlySpan<byte> reasonPhrase)
        {
            recorded.Version = version.ToString();
            recorded.StatusCode = statusCode;
            recorded.Reason = Encoding.Latin1.GetString(reasonPhrase);
        }

        public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) =>
            recorded.Headers.Add((Encoding.Latin1.GetString(name), Encoding.Latin1.GetString(value)));

        public void OnLeniency(HttpLeniency leniency) => recorded.Leniencies |= leniency;
    }
}
