using Sniffer.Core.Dissection;
using Sniffer.Core.Records;
using Sniffer.Dissectors.Http.Records;

namespace Sniffer.Storage.Tests;

/// <summary>Records with every field set, so a round trip that drops or mangles one fails; and a cheap stream of them for crash tests and benchmarks.</summary>
public static class SyntheticRecords
{
    public const long BaseNs = 1_700_000_000_123_456_789;

    public static FlowRecord Flow(long flowId) => new()
    {
        FlowId = flowId,
        TimeNs = BaseNs + flowId * 1_000,
        Client = $"192.0.2.1:{40000 + flowId % 20000}",
        Server = "[2001:db8::10]:8080",
        ClientAddress = "192.0.2.1",
        ClientPort = (ushort)(40000 + flowId % 20000),
        ServerAddress = "2001:db8::10",
        ServerPort = 8080,
        IsIPv6 = true,
        VlanId = 42,
        Protocol = "http",
        DissectorDisabled = true,
        PickedUpMidStream = true,
        HandshakeRttNs = 1_234_567,
        SynToSynAckNs = 1_000_000,
        SynAckToAckNs = 234_567,
        AckRttSamples = 3,
        AckRttMinNs = 10,
        AckRttMedianNs = 20,
        AckRttMaxNs = 30,
        ClientPackets = 7,
        ServerPackets = 9,
        ClientPayloadBytes = 700,
        ServerPayloadBytes = 90_000,
        ClientRetransmissions = 1,
        ServerRetransmissions = 2,
        ClientZeroWindows = 3,
        ServerZeroWindows = 4,
        ClientGaps = 5,
        ClientGapBytes = 6,
        ServerGaps = 7,
        ServerGapBytes = 8,
        FirstPacketNs = BaseNs + flowId * 1_000,
        LastPacketNs = BaseNs + flowId * 1_000 + 5_000_000,
        CloseReason = StreamEndReason.Reset,
    };

    public static Anomaly Anomaly(long flowId) => new()
    {
        FlowId = flowId,
        TimeNs = BaseNs + flowId * 1_000 + 1,
        Kind = AnomalyKinds.TcpContentGap,
        Source = "tcp",
        Detail = $"gap of {flowId} bytes",
    };

    /// <summary>An exchange without bodies, as the throughput benchmark asks for.</summary>
    public static HttpTransaction PlainHttp(long flowId, int index) => new()
    {
        FlowId = flowId,
        TimeNs = BaseNs + flowId * 1_000 + index,
        Index = index,
        Host = $"host{flowId % 50}.example",
        Request = new HttpRequest
        {
            Method = "GET",
            Target = $"/static/{flowId % 1000}/app.js?v={index}",
            TargetForm = HttpTargetForm.Origin,
            Version = "HTTP/1.1",
            Headers = [new("Host", $"host{flowId % 50}.example"), new("User-Agent", "curl/8.5.0"), new("Accept", "*/*")],
            HeaderBytes = 120,
        },
        Response = new HttpResponse
        {
            Version = "HTTP/1.1",
            StatusCode = flowId % 10 == 0 ? 304 : 200,
            ReasonPhrase = "OK",
            Headers = [new("Content-Type", "application/javascript"), new("ETag", "\"abc\"")],
            HeaderBytes = 150,
        },
        Timings = new HttpTimings { RequestStartNs = BaseNs, RequestEndNs = BaseNs + 10, ResponseStartNs = BaseNs + 2_000_000, ResponseEndNs = BaseNs + 3_500_000 },
        Caching = new HttpCaching { ETag = "\"abc\"" },
    };

    /// <summary>An exchange with every optional part present.</summary>
    public static HttpTransaction FullHttp(long flowId, byte[] responseContent, string responseSha256) => new()
    {
        FlowId = flowId,
        TimeNs = BaseNs + 77,
        Index = 2,
        Host = "www.example.com",
        Referer = "http://www.example.com/",
        Origin = "http://www.example.com",
        Request = new HttpRequest
        {
            Method = "POST",
            Target = "http://www.example.com/upload?x=1",
            TargetForm = HttpTargetForm.Absolute,
            Version = "HTTP/1.1",
            Headers = [new("Host", "www.example.com"), new("Cookie", "sid=1; theme=dark"), new("X-Dup", "a"), new("X-Dup", "b")],
            HeaderBytes = 321,
            Body = new HttpBody
            {
                Framing = HttpBodyFraming.Chunked,
                WireLength = 500,
                EncodedLength = 400,
                DecodedLength = 400,
                Sha256 = new string('a', 64),
                Content = [1, 2, 3],
                ContentTruncated = true,
                MediaType = "multipart/form-data",
                ChunkCount = 3,
                ChunkExtensions = ["name=value", "x"],
                Trailers = [new("Expires", "0")],
                Parts = [new("field", null, null, 5), new("file", "a.txt", "text/plain", 395)],
            },
            Complete = false,
        },
        Response = new HttpResponse
        {
            Version = "HTTP/1.0",
            StatusCode = 201,
            ReasonPhrase = "Created",
            Headers = [new("Set-Cookie", "sid=2; Domain=example.com; Path=/; Secure; HttpOnly; SameSite=Lax")],
            HeaderBytes = 222,
            Body = new HttpBody
            {
                Framing = HttpBodyFraming.UntilClose,
                WireLength = 40,
                EncodedLength = 30,
                ContentEncodings = ["gzip"],
                DecodedLength = responseContent.Length,
                Sha256 = responseSha256,
                Content = responseContent,
                Incomplete = true,
                MissingBytes = 11,
                DecodeError = "corrupt deflate stream",
                DecompressionBomb = true,
            },
        },
        InterimResponses = [new HttpInterimResponse { StatusCode = 100, ReasonPhrase = "Continue", Headers = [new("X-A", "1")], TimeNs = BaseNs + 90 }],
        Timings = new HttpTimings { RequestStartNs = BaseNs + 77, RequestEndNs = BaseNs + 80, ResponseStartNs = BaseNs + 1_500_077, ResponseEndNs = null },
        Cookies = [new("sid", "1"), new("theme", "dark")],
        SetCookies =
        [
            new HttpSetCookie
            {
                Name = "sid", Value = "2", Domain = "example.com", Path = "/", Expires = "Wed, 21 Oct 2026 07:28:00 GMT",
                ExpiresUnixSeconds = 1_792_567_680, MaxAgeSeconds = 3600, Secure = true, HttpOnly = true, SameSite = "Lax", Partitioned = true,
            },
        ],
        Credentials = new HttpCredentials { Header = "Authorization", Scheme = "Digest", UserName = "alice", Secret = HttpCredentials.Mask, Realm = "r" },
        Caching = new HttpCaching
        {
            IfModifiedSince = "Tue, 01 Jan 2026 00:00:00 GMT", IfNoneMatch = "\"v1\"", ETag = "\"v2\"", LastModified = "Mon", CacheControl = "max-age=60",
            RequestCacheControl = "no-cache", Expires = "0", AgeSeconds = 5, DeclaredContentLength = 30,
            Revalidation = HttpRevalidation.Changed, CacheableWithoutValidator = true,
        },
        HandOff = HttpHandOff.WebSocket,
        HandOffTarget = "websocket",
    };
}
