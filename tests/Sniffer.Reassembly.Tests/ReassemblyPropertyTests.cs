using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Decoding;
using Sniffer.Reassembly.Tests.Infrastructure;

namespace Sniffer.Reassembly.Tests;

/// <summary>
/// Seeded random loops (each failure names its seed): a payload cut into random segments, reordered,
/// duplicated and overlapped with same-content copies, must come out byte-identical; removed segments
/// must come out as gaps of exactly the removed ranges.
/// </summary>
public sealed class ReassemblyPropertyTests
{
    private const int Iterations = 300;
    private const ushort Port = 8000;

    [Fact]
    public void Reordered_duplicated_and_overlapping_segments_reassemble_byte_identically()
    {
        for (int seed = 0; seed < Iterations; seed++)
        {
            var random = new Random(seed);
            byte[] payload = RandomBytes(random, random.Next(0, 6000));
            var (reassembler, factory) = NewReassembler(new RecordingSink());
            var conversation = new TcpConversation(reassembler, "10.0.0.1:40000", $"10.0.0.2:{Port}", clientIsn: RandomIsn(random));

            conversation.Handshake();
            List<(int Start, int End)> pieces = Cut(random, payload.Length);
            pieces.AddRange(SameContentExtras(random, payload.Length));
            Shuffle(random, pieces);
            foreach ((int start, int end) in pieces) conversation.Data(Direction.ClientToServer, start, payload.AsSpan(start, end - start));
            conversation.Fin(Direction.ClientToServer, payload.Length);
            reassembler.Complete(conversation.NowNs + 1);

            DirectionTranscript seen = factory.Single.ClientToServer;
            Assert.True(payload.AsSpan().SequenceEqual(seen.Bytes.ToArray()), $"seed {seed}: bytes differ; events {string.Join(' ', seen.Events)}");
            Assert.True(seen.Gaps.Count == 0, $"seed {seed}: unexpected gaps {string.Join(' ', seen.Events)}");
            Assert.Equal(StreamEndReason.Fin, seen.End);
            Assert.Equal(Enumerable.Range(0, payload.Length).Select(i => (long)i), seen.Offsets);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Removed_segments_come_out_as_gaps_of_the_removed_ranges(bool receiverAcknowledgesEverything)
    {
        for (int seed = 0; seed < Iterations; seed++)
        {
            var random = new Random(seed);
            byte[] payload = RandomBytes(random, random.Next(1, 6000));
            var (reassembler, factory) = NewReassembler(new RecordingSink());
            var conversation = new TcpConversation(reassembler, "10.0.0.1:40000", $"10.0.0.2:{Port}", clientIsn: RandomIsn(random));

            conversation.Handshake();
            List<(int Start, int End)> pieces = Cut(random, payload.Length);
            var removed = new bool[payload.Length];
            var kept = new List<(int Start, int End)>();
            foreach (var piece in pieces)
            {
                if (random.NextDouble() < 0.3)
                {
                    for (int i = piece.Start; i < piece.End; i++) removed[i] = true;
                }
                else kept.Add(piece);
            }
            Shuffle(random, kept);
            foreach ((int start, int end) in kept) conversation.Data(Direction.ClientToServer, start, payload.AsSpan(start, end - start));
            conversation.Fin(Direction.ClientToServer, payload.Length);
            if (receiverAcknowledgesEverything) conversation.Ack(Direction.ClientToServer, payload.Length + 1);
            reassembler.Complete(conversation.NowNs + 1);

            DirectionTranscript seen = factory.Single.ClientToServer;
            string context = $"seed {seed}: events {string.Join(' ', seen.Events)}";
            Assert.True(ExpectedGaps(removed).SequenceEqual(seen.Gaps), context);
            byte[] expectedBytes = payload.Where((_, i) => !removed[i]).ToArray();
            Assert.True(expectedBytes.AsSpan().SequenceEqual(seen.Bytes.ToArray()), context);
            Assert.Equal(Enumerable.Range(0, payload.Length).Where(i => !removed[i]).Select(i => (long)i), seen.Offsets);
            Assert.Equal(StreamEndReason.Fin, seen.End);
        }
    }

    [Fact]
    public void Both_directions_reassemble_independently_when_interleaved()
    {
        for (int seed = 0; seed < Iterations / 3; seed++)
        {
            var random = new Random(seed);
            byte[] request = RandomBytes(random, random.Next(1, 3000)), response = RandomBytes(random, random.Next(1, 3000));
            var (reassembler, factory) = NewReassembler(new RecordingSink());
            var conversation = new TcpConversation(reassembler, "[2001:db8::1]:40000", $"[2001:db8::2]:{Port}",
                clientIsn: RandomIsn(random), serverIsn: RandomIsn(random));

            conversation.Handshake();
            var sends = Cut(random, request.Length).Select(p => (Direction.ClientToServer, p))
                .Concat(Cut(random, response.Length).Select(p => (Direction.ServerToClient, p))).ToList();
            Shuffle(random, sends);
            foreach ((Direction direction, (int start, int end)) in sends)
            {
                byte[] source = direction == Direction.ClientToServer ? request : response;
                conversation.Data(direction, start, source.AsSpan(start, end - start));
            }
            reassembler.Complete(conversation.NowNs + 1);

            RecordingDissector dissector = factory.Single;
            Assert.True(request.AsSpan().SequenceEqual(dissector.ClientToServer.Bytes.ToArray()), $"seed {seed}");
            Assert.True(response.AsSpan().SequenceEqual(dissector.ServerToClient.Bytes.ToArray()), $"seed {seed}");
            Assert.Equal(StreamEndReason.EndOfCapture, dissector.ClientToServer.End);
        }
    }

    internal static (TcpReassembler Reassembler, RecordingDissectorFactory Factory) NewReassembler(RecordingSink sink, ReassemblyOptions? options = null)
    {
        var factory = new RecordingDissectorFactory();
        var registry = new DissectorRegistry();
        registry.Add(factory);
        registry.Map(Port, factory.Name);
        return (new TcpReassembler(options ?? ReassemblyOptions.Default, registry, sink), factory);
    }

    // Half the runs start within a few kilobytes below 2^32, so the stream wraps around.
    private static uint RandomIsn(Random random) =>
        random.Next(2) == 0 ? uint.MaxValue - (uint)random.Next(0, 8000) : (uint)random.NextInt64(0, uint.MaxValue);

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Consecutive segments covering [0, length), 1 to 400 bytes each.</summary>
    private static List<(int Start, int End)> Cut(Random random, int length)
    {
        var pieces = new List<(int, int)>();
        for (int start = 0; start < length;)
        {
            int end = Math.Min(length, start + random.Next(1, 400));
            pieces.Add((start, end));
            start = end;
        }
        return pieces;
    }

    /// <summary>Extra copies of random ranges (retransmissions, repacketised overlaps) with the original content.</summary>
    private static IEnumerable<(int Start, int End)> SameContentExtras(Random random, int length)
    {
        if (length == 0) yield break;
        int count = random.Next(0, 12);
        for (int i = 0; i < count; i++)
        {
            int start = random.Next(0, length);
            yield return (start, Math.Min(length, start + random.Next(1, 800)));
        }
    }

    private static void Shuffle<T>(Random random, List<T> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static List<(long Offset, long Length)> ExpectedGaps(bool[] removed)
    {
        var gaps = new List<(long, long)>();
        for (int i = 0; i < removed.Length;)
        {
            if (!removed[i])
            {
                i++;
                continue;
            }
            int start = i;
            while (i < removed.Length && removed[i]) i++;
            gaps.Add((start, i - start));
        }
        return gaps;
    }
}
