using Sniffer.Core.Packets;
using Xunit;

namespace Sniffer.Decoding.Tests;

/// <summary>
/// Nothing in a frame may make the decoder throw, and every frame must land in exactly one outcome
/// counter. Kestrel-style prefix enumeration plus seeded random corruption.
/// </summary>
public sealed class RobustnessTests
{
    private static readonly LinkType[] LinkTypes = Enum.GetValues<LinkType>();

    /// <summary>Decodes frames and tallies the results, to check them against the decoder's counters.</summary>
    private sealed class TallyingDecoder
    {
        private readonly Dictionary<DecodeResult, long> _tally = [];
        private long _frameNumber;

        public PacketDecoder Decoder { get; } = new(DecoderSettings.Default with { MaxFragmentDatagramsInFlight = 64 }, new RecordingSink());

        public void Decode(byte[] data, LinkType linkType, int originalLength)
        {
            var frame = new CaptureFrame(data, originalLength, ++_frameNumber * 1_000_000, linkType, _frameNumber);
            DecodeResult result = Decoder.Decode(frame, out TcpSegment segment);
            Assert.True(Enum.IsDefined(result));
            if (result == DecodeResult.Tcp)
            {
                Assert.True(segment.MissingPayloadBytes >= 0);
                Assert.True(segment.Payload.Length <= Math.Max(data.Length, 65_535));
            }
            _tally[result] = _tally.GetValueOrDefault(result) + 1;
        }

        public void AssertEveryFrameCountedOnce()
        {
            DecoderCounters counters = Decoder.Counters;
            long Tally(DecodeResult result) => _tally.GetValueOrDefault(result);
            Assert.Equal(_frameNumber, counters.Frames);
            Assert.Equal(_frameNumber, _tally.Values.Sum());
            Assert.Equal(Tally(DecodeResult.Tcp), counters.TcpSegments);
            Assert.Equal(Tally(DecodeResult.Udp), counters.UdpDatagrams);
            Assert.Equal(Tally(DecodeResult.OtherIp), counters.OtherIpPackets);
            Assert.Equal(Tally(DecodeResult.NonIp), counters.NonIpFrames);
            Assert.Equal(Tally(DecodeResult.Truncated), counters.TruncatedFrames);
            Assert.Equal(Tally(DecodeResult.Malformed), counters.DecodeErrors);
            Assert.Equal(Tally(DecodeResult.UnknownLinkType), counters.UnknownLinkTypeFrames);
        }
    }

    [Fact]
    public void Every_prefix_of_every_sample_decodes_without_exception()
    {
        var decoder = new TallyingDecoder();
        foreach ((LinkType linkType, byte[] data) in SampleFrames.All)
        {
            for (int length = 0; length <= data.Length; length++)
            {
                byte[] prefix = data[..length];
                decoder.Decode(prefix, linkType, originalLength: data.Length); // cut by the snaplen
                decoder.Decode(prefix, linkType, originalLength: length);      // short on the wire
            }
        }
        decoder.AssertEveryFrameCountedOnce();
    }

    [Fact]
    public void Thousands_of_random_corruptions_decode_without_exception()
    {
        var random = new Random(20261127);
        var decoder = new TallyingDecoder();
        for (int round = 0; round < 200; round++)
        {
            foreach ((LinkType linkType, byte[] data) in SampleFrames.All)
            {
                byte[] corrupted = (byte[])data.Clone();
                int flips = random.Next(1, 5);
                for (int i = 0; i < flips; i++) corrupted[random.Next(corrupted.Length)] ^= (byte)random.Next(1, 256);
                decoder.Decode(corrupted, linkType, corrupted.Length);
            }
        }
        decoder.AssertEveryFrameCountedOnce();
    }

    [Fact]
    public void Random_bytes_under_every_link_type_decode_without_exception()
    {
        var random = new Random(815);
        var decoder = new TallyingDecoder();
        for (int round = 0; round < 500; round++)
        {
            byte[] noise = new byte[random.Next(0, 200)];
            random.NextBytes(noise);
            foreach (LinkType linkType in LinkTypes) decoder.Decode(noise, linkType, noise.Length + random.Next(0, 2) * 100);
        }
        decoder.AssertEveryFrameCountedOnce();
    }
}
