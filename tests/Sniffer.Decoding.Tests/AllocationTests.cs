using Sniffer.Core.Packets;
using Xunit;
using static Sniffer.Decoding.Tests.Packets;

namespace Sniffer.Decoding.Tests;

/// <summary>
/// The decoder is on the per-packet hot path: in steady state it must not allocate. This is a correctness
/// property measured in bytes, not a timing test.
/// </summary>
public sealed class AllocationTests
{
    private const int Repetitions = 1000;

    [Fact]
    public void Decoding_whole_frames_allocates_nothing_after_warm_up()
    {
        (LinkType LinkType, byte[] Data)[] frames = [.. SampleFrames.WholeTcp];
        var decoder = new PacketDecoder(DecoderSettings.Default, new RecordingSink());

        DecodeAll(decoder, frames, 10);
        long before = GC.GetAllocatedBytesForCurrentThread();
        long tcpSegments = DecodeAll(decoder, frames, Repetitions);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(frames.Length * (long)Repetitions, tcpSegments);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Reassembling_datagrams_allocates_nothing_after_warm_up()
    {
        byte[] segment = TcpHeader(payload: new byte[1200]);
        (LinkType, byte[])[] fragments =
        [
            (LinkType.Raw, IPv4(segment[..608], moreFragments: true)),
            (LinkType.Raw, IPv4(segment[608..], fragmentOffset: 608)),
            (LinkType.Raw, IPv6(Concat(IPv6FragmentHeader(Tcp, 608, false, 5), segment[608..]), nextHeader: IPv6Fragment)),
            (LinkType.Raw, IPv6(Concat(IPv6FragmentHeader(Tcp, 0, true, 5), segment[..608]), nextHeader: IPv6Fragment)),
        ];
        var decoder = new PacketDecoder(DecoderSettings.Default, new RecordingSink());

        DecodeAll(decoder, fragments, 10);
        long before = GC.GetAllocatedBytesForCurrentThread();
        long tcpSegments = DecodeAll(decoder, fragments, Repetitions);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(2L * Repetitions, tcpSegments);
        Assert.Equal(0, allocated);
    }

    private static long DecodeAll(PacketDecoder decoder, (LinkType LinkType, byte[] Data)[] frames, int repetitions)
    {
        long tcpSegments = 0;
        for (int repetition = 0; repetition < repetitions; repetition++)
        {
            foreach ((LinkType linkType, byte[] data) in frames)
            {
                var frame = new CaptureFrame(data, data.Length, 0, linkType, repetition);
                if (decoder.Decode(frame, out TcpSegment segment) == DecodeResult.Tcp && segment.Payload.Length > 0) tcpSegments++;
            }
        }
        return tcpSegments;
    }
}
