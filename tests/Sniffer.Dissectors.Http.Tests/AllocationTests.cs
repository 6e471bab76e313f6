using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Dissectors.Http.Records;
using Sniffer.Dissectors.Http.Tests.Support;
using Sniffer.TestSupport;
using Xunit;

namespace Sniffer.Dissectors.Http.Tests;

/// <summary>
/// The body path runs once per packet: after the first body bytes (which may size the kept array), further segments
/// must not allocate, whether the body is kept or only counted and hashed.
/// </summary>
public class AllocationTests
{
    private const int SegmentBytes = 1448;

    // Under the size an announced length is trusted for, so a kept body is allocated once at its exact size.
    private const int Segments = 500;

    [Theory]
    [InlineData(0)]
    [InlineData(16L * 1024 * 1024)]
    public void BodySegmentsAllocateNothing(long maxBodyBytes)
    {
        var sink = new ListSink();
        IStreamDissector dissector = new HttpDissectorFactory().Create(
            new FlowContext(1, default, 0, false), sink, DissectorSettings.Default with { MaxBodyBytes = maxBodyBytes });
        byte[] segment = new byte[SegmentBytes];
        Random.Shared.NextBytes(segment);

        Feed(dissector, Direction.ClientToServer, Encoding.ASCII.GetBytes("GET /big HTTP/1.1\r\nHost: h\r\n\r\n"));
        Feed(dissector, Direction.ServerToClient, Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {Segments * SegmentBytes}\r\n\r\n"));
        // Warm-up: the first segments size the buffers and get the body path compiled.
        const int warmUp = 3;
        for (int i = 0; i < warmUp; i++) Feed(dissector, Direction.ServerToClient, segment);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = warmUp; i < Segments - 1; i++) Feed(dissector, Direction.ServerToClient, segment);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Feed(dissector, Direction.ServerToClient, segment);
        Assert.Equal(0, allocated);
        HttpBody body = sink.Records.OfType<HttpTransaction>().Single().Response!.Body!;
        Assert.Equal(Segments * SegmentBytes, body.DecodedLength);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Repeat(segment, Segments))), body.Sha256);
        Assert.Equal(maxBodyBytes == 0 ? 0 : Segments * SegmentBytes, body.Content.Length);
    }

    private static void Feed(IStreamDissector dissector, Direction direction, byte[] bytes)
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
        dissector.OnData(direction, ref reader, FixedClock.Instance);
        Assert.True(reader.End);
    }

    private static byte[] Repeat(byte[] segment, int times) => Enumerable.Repeat(segment, times).SelectMany(s => s).ToArray();

    private sealed class FixedClock : IStreamClock
    {
        public static readonly FixedClock Instance = new();

        public long TimeAt(long relativeOffset) => 1_000;

        public long StreamOffsetOf(long relativeOffset) => relativeOffset;
    }
}
