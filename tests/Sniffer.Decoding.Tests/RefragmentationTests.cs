using Sniffer.Core.Packets;
using Sniffer.Core.Records;
using Xunit;
using static Sniffer.Decoding.Tests.Packets;

namespace Sniffer.Decoding.Tests;

/// <summary>
/// Property: however a segment is cut into fragments (any 8-byte-aligned sizes, any order, interleaved with
/// other datagrams, with duplicated and overlapping-but-identical copies), reassembly gives back exactly
/// the segment, and reports nothing wrong.
/// </summary>
public sealed class RefragmentationTests
{
    private readonly record struct Piece(int Offset, int Length, bool More);

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public void Randomly_fragmented_segments_reassemble_exactly(int ipVersion)
    {
        var random = new Random(8200 + ipVersion);
        var harness = new DecoderHarness();
        uint identification = 0;
        int expectedDatagrams = 0;

        for (int round = 0; round < 150; round++)
        {
            var originals = new Dictionary<uint, byte[]>();
            var frames = new List<byte[]>();
            int datagrams = random.Next(1, 5);
            for (int d = 0; d < datagrams; d++)
            {
                byte[] payload = new byte[random.Next(0, 3000)];
                random.NextBytes(payload);
                uint sequence = (uint)random.NextInt64(0, uint.MaxValue);
                originals[sequence] = payload;
                byte[] segment = TcpHeader(sequence: sequence, payload: payload);
                identification++;
                foreach (Piece piece in Plan(random, segment.Length)) frames.Add(Fragment(ipVersion, segment, piece, identification));
            }
            expectedDatagrams += datagrams;

            foreach (byte[] frame in frames.OrderBy(_ => random.Next()))
            {
                if (harness.Decode(frame, LinkType.Raw, out DecodedSegment? decoded) != DecodeResult.Tcp) continue;
                Assert.True(originals.Remove(decoded!.Sequence, out byte[]? original), "a segment came out twice or was never sent");
                Assert.Equal(original, decoded.Payload);
            }
            Assert.Empty(originals);
        }

        Assert.Equal(expectedDatagrams, harness.Decoder.Counters.DatagramsReassembled);
        Assert.DoesNotContain(harness.Sink.Kinds, kind => kind is AnomalyKinds.FragmentOverlap or AnomalyKinds.FragmentInconsistent or AnomalyKinds.FragmentLimit);
    }

    /// <summary>
    /// Cuts [0, length) into at least two 8-byte-aligned pieces, then may add one duplicate or identical
    /// overlapping copy. Never more than one: two stray copies arriving after completion could form a
    /// second, legitimately complete datagram.
    /// </summary>
    private static List<Piece> Plan(Random random, int length)
    {
        var pieces = new List<Piece>();
        for (int offset = 0; offset < length;)
        {
            int size = 8 * random.Next(1, 186); // up to 1480 bytes, an Ethernet MTU's worth
            if (offset == 0) size = Math.Min(size, (length - 1) / 8 * 8); // a single piece would be no fragment at all
            bool more = offset + size < length;
            if (!more) size = length - offset;
            pieces.Add(new Piece(offset, size, more));
            offset += size;
        }
        if (random.Next(2) == 0) return pieces;
        int start = 8 * random.Next(0, (length - 1) / 8 + 1);
        int end = Math.Min(length, start + 8 * random.Next(1, 100));
        bool overlapIsLast = end == length;
        if (start == 0 && overlapIsLast) return pieces;
        pieces.Add(new Piece(start, end - start, !overlapIsLast));
        return pieces;
    }

    private static byte[] Fragment(int ipVersion, byte[] segment, Piece piece, uint identification)
    {
        byte[] data = segment.AsSpan(piece.Offset, piece.Length).ToArray();
        return ipVersion == 6
            ? IPv6(Concat(IPv6FragmentHeader(Tcp, piece.Offset, piece.More, identification), data), nextHeader: IPv6Fragment)
            : IPv4(data, Tcp, identification: (ushort)identification, moreFragments: piece.More, fragmentOffset: piece.Offset);
    }
}
