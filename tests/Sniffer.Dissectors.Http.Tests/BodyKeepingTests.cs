using System.Text;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Dissectors.Http.Records;
using Sniffer.Dissectors.Http.Tests.Support;
using Xunit;

namespace Sniffer.Dissectors.Http.Tests;

/// <summary>
/// How bodies are kept: pre-sized from a small enough Content-Length, grown in the pool otherwise; hashed from the kept
/// content when read, or while streaming once a body outgrows the cap. The content and hash must not depend on which
/// path a body took.
/// </summary>
public class BodyKeepingTests
{
    public static TheoryData<int, bool> Bodies => new()
    {
        { 10, false },
        { 64 * 1024 + 1, false },       // past one hash block
        { 3 * 1024 * 1024 + 7, false }, // past the length an announcement is trusted for: pooled growth
        { 10, true },
        { 3 * 1024 * 1024 + 7, true },  // chunked: length unknown until the end
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public void KeptContentAndHashAreTheWholeBody(int length, bool chunked)
    {
        byte[] original = new byte[length];
        new Random(length).NextBytes(original);
        var driver = new ConversationDriver(1448).Client("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        if (chunked)
        {
            driver.Server("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int offset = 0; offset < length; offset += 100_000)
            {
                int size = Math.Min(100_000, length - offset);
                driver.Server($"{size:x}\r\n").Send(Direction.ServerToClient, original.AsSpan(offset, size)).Server("\r\n");
            }
            driver.Server("0\r\n\r\n");
        }
        else
        {
            driver.Server($"HTTP/1.1 200 OK\r\nContent-Length: {length}\r\n\r\n").Send(Direction.ServerToClient, original);
        }

        HttpBody body = driver.Transactions.Single().Response!.Body!;
        Assert.Equal(original, body.Content);
        Assert.False(body.ContentTruncated);
        Assert.Equal(Codings.Sha256Hex(original), body.Sha256);
    }

    [Fact]
    public void ABodyEndingBeforeItsContentLengthKeepsExactlyWhatArrived()
    {
        var driver = new ConversationDriver()
            .Client("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            .Server("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial")
            .EndBoth();

        HttpBody body = driver.Transactions.Single().Response!.Body!;
        Assert.Equal("partial", Encoding.ASCII.GetString(body.Content));
        Assert.Equal(93, body.MissingBytes);
        Assert.Equal(Codings.Sha256Hex(Encoding.ASCII.GetBytes("partial")), body.Sha256);
    }

    [Fact]
    public void AnAnnouncedLengthDoesNotReserveMoreThanTheCap()
    {
        var driver = new ConversationDriver(settings: DissectorSettings.Default with { MaxBodyBytes = 4 })
            .Client("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            .Server("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789");

        HttpBody body = driver.Transactions.Single().Response!.Body!;
        Assert.Equal("0123", Encoding.ASCII.GetString(body.Content));
        Assert.True(body.ContentTruncated);
        Assert.Equal(Codings.Sha256Hex(Encoding.ASCII.GetBytes("0123456789")), body.Sha256);
    }

    public static TheoryData<int, int> CapCrossings => new()
    {
        // cap, segment size: the cap falls inside a segment, on a segment boundary, and before the first byte.
        { 1000, 333 },
        { 999, 333 },
        { 1, 1448 },
        { 0, 1448 },
    };

    [Theory]
    [MemberData(nameof(CapCrossings))]
    public void TheHashCoversTheWholeBodyWhereverTheCapFalls(int cap, int segmentSize)
    {
        byte[] original = new byte[5000];
        new Random(cap).NextBytes(original);
        var driver = new ConversationDriver(segmentSize, DissectorSettings.Default with { MaxBodyBytes = cap })
            .Client("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            .Server("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n").Send(Direction.ServerToClient, original);

        HttpBody body = driver.Transactions.Single().Response!.Body!;
        Assert.Equal(original[..cap], body.Content);
        Assert.Equal(5000, body.DecodedLength);
        Assert.Equal(Codings.Sha256Hex(original), body.Sha256);
    }

    [Fact]
    public void ABodyPastTheCapIsAnAnomalyNamingWhatWasKept()
    {
        var driver = new ConversationDriver(settings: DissectorSettings.Default with { MaxBodyBytes = 4 })
            .Client("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            .Server("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789")
            .Client("GET /next HTTP/1.1\r\nHost: h\r\n\r\n")
            .Server("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc");

        var anomaly = Assert.Single(driver.Anomalies, a => a.Kind == HttpAnomalyKinds.BodyOverCap);
        Assert.Equal("s→c kept 4 of 10 decoded bytes (cap 4); size and SHA-256 cover all of them", anomaly.Detail);
        Assert.Equal(["0123", "abc"], driver.Transactions.Select(t => Encoding.ASCII.GetString(t.Response!.Body!.Content)));
    }

    [Fact]
    public void KeepingNoBodiesIsAChoiceNotAnAnomaly()
    {
        var driver = new ConversationDriver(settings: DissectorSettings.Default with { MaxBodyBytes = 0 })
            .Client("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            .Server("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789");

        Assert.DoesNotContain(driver.Anomalies, a => a.Kind == HttpAnomalyKinds.BodyOverCap);
        Assert.Equal(Codings.Sha256Hex(Encoding.ASCII.GetBytes("0123456789")), driver.Transactions.Single().Response!.Body!.Sha256);
    }
}
