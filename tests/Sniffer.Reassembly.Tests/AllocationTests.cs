using System.Buffers;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Reassembly.Tests.Infrastructure;

namespace Sniffer.Reassembly.Tests;

/// <summary>A sanity check, not a benchmark: an established flow is processed without allocating per segment.</summary>
public sealed class AllocationTests
{
    private const int Segments = 5000;

    [Fact]
    public void Steady_state_segments_in_order_and_slightly_reordered_do_not_allocate()
    {
        var registry = new DissectorRegistry();
        registry.Add(new ConsumingDissectorFactory());
        var reassembler = new TcpReassembler(ReassemblyOptions.Default, registry, new RecordingSink());
        var tcp = new TcpConversation(reassembler, "10.0.0.1:40000", "10.0.0.2:9000");
        tcp.Handshake();
        byte[] payload = new byte[1400];
        long offset = 0;

        void Exchange(int count)
        {
            for (int i = 0; i < count; i++)
            {
                // Every fourth pair arrives swapped, so the out-of-order path runs too.
                if (i % 4 == 0)
                {
                    tcp.Data(Direction.ClientToServer, offset + payload.Length, payload);
                    tcp.Data(Direction.ClientToServer, offset, payload);
                }
                else
                {
                    tcp.Data(Direction.ClientToServer, offset, payload);
                    tcp.Data(Direction.ClientToServer, offset + payload.Length, payload);
                }
                offset += 2 * payload.Length;
                tcp.Ack(Direction.ClientToServer, offset);
            }
        }

        // One ACK RTT sample per exchange: past 1024 the flow's reservoir has reached its full size.
        Exchange(1100);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Exchange(Segments);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 4096, $"{allocated} bytes allocated for {3 * Segments} segments");
        Assert.Equal(offset, reassembler.Counters.BytesDelivered);
    }

    private sealed class ConsumingDissectorFactory : IDissectorFactory
    {
        public string Name => "consume";
        public IReadOnlyList<ushort> DefaultServerPorts { get; } = [9000];
        public ProbeResult Probe(Direction direction, ReadOnlySpan<byte> firstBytes) => ProbeResult.Match;
        public IStreamDissector Create(FlowContext flow, IRecordSink sink, DissectorSettings settings) => new ConsumingDissector();
    }

    private sealed class ConsumingDissector : IStreamDissector
    {
        public DissectStatus OnData(Direction direction, ref SequenceReader<byte> reader, IStreamClock clock)
        {
            reader.Advance(reader.Remaining);
            return DissectStatus.Progress;
        }

        public DissectStatus OnGap(Direction direction, long streamOffset, long length, long timeNs) => DissectStatus.Progress;

        public void OnEnd(Direction direction, StreamEndReason reason, long timeNs) { }
    }
}
