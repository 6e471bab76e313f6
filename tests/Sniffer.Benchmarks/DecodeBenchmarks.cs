using BenchmarkDotNet.Attributes;
using Sniffer.Benchmarks.Support;
using Sniffer.Core.Packets;
using Sniffer.Decoding;

namespace Sniffer.Benchmarks;

/// <summary>
/// <see cref="PacketDecoder.Decode"/> of one full-sized data frame (1514 bytes: Ethernet, IPv4, TCP, 1460 bytes of
/// payload), untagged and with an 802.1Q tag. The decoder reads headers in place: it must allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class DecodeBenchmarks
{
    private byte[] _ethernetFrame = [];
    private byte[] _vlanFrame = [];
    private PacketDecoder _decoder = null!;

    /// <summary>Each call decodes one frame.</summary>
    public static int PacketsPerOperation => 1;

    [GlobalSetup]
    public void Setup()
    {
        _ethernetFrame = FirstFullSizedFrame(vlanId: 0);
        _vlanFrame = FirstFullSizedFrame(vlanId: 42);
        _decoder = new PacketDecoder(DecoderSettings.Default, new CountingSink());
        if (EthernetIPv4Tcp() != SyntheticFlow.MaximumSegmentSize || VlanEthernetIPv4Tcp() != SyntheticFlow.MaximumSegmentSize)
        {
            throw new InvalidOperationException("the frames did not decode to a full-sized TCP segment");
        }
    }

    [Benchmark(Baseline = true)]
    [ItemsPerOperation(nameof(PacketsPerOperation), "packets")]
    public int EthernetIPv4Tcp() => Decode(_ethernetFrame);

    [Benchmark]
    [ItemsPerOperation(nameof(PacketsPerOperation), "packets")]
    public int VlanEthernetIPv4Tcp() => Decode(_vlanFrame);

    /// <summary>Returns the payload length so the work cannot be optimised away.</summary>
    private int Decode(byte[] bytes)
    {
        var frame = new CaptureFrame(bytes, bytes.Length, 1_700_000_000_000_000_000, LinkType.Ethernet, 1);
        return _decoder.Decode(frame, out TcpSegment segment) == DecodeResult.Tcp ? segment.Payload.Length : -1;
    }

    private static byte[] FirstFullSizedFrame(ushort vlanId) =>
        SyntheticFlow.HttpDownload(vlanId).First(f => f.Payload.Length == SyntheticFlow.MaximumSegmentSize).Bytes;
}
