using Sniffer.Core.Packets;
using Sniffer.Core.Records;
using Xunit;
using static Sniffer.Decoding.Tests.Packets;

namespace Sniffer.Decoding.Tests;

public sealed class LinkLayerTests
{
    /// <summary>One way of carrying an IP packet: how to wrap it, and the VLAN id the decoder should report.</summary>
    internal sealed record Encapsulation(LinkType LinkType, Func<byte[], bool, byte[]> Wrap, ushort VlanId = 0, bool CarriesIPv4 = true, bool CarriesIPv6 = true);

    private static ushort EtherTypeOf(bool isIPv6) => isIPv6 ? EtherTypeIPv6 : EtherTypeIPv4;

    internal static readonly Dictionary<string, Encapsulation> Encapsulations = new()
    {
        ["ethernet"] = new(LinkType.Ethernet, (ip, v6) => Ethernet(EtherTypeOf(v6), ip)),
        ["ethernet 802.1Q"] = new(LinkType.Ethernet, (ip, v6) => Ethernet(0x8100, Concat(VlanTag(100, EtherTypeOf(v6)), ip)), VlanId: 100),
        ["ethernet 802.1ad QinQ"] = new(LinkType.Ethernet,
            (ip, v6) => Ethernet(0x88A8, Concat(VlanTag(200, 0x8100), VlanTag(100, EtherTypeOf(v6)), ip)), VlanId: 100),
        ["ethernet 0x9100 QinQ"] = new(LinkType.Ethernet,
            (ip, v6) => Ethernet(0x9100, Concat(VlanTag(300, 0x8100), VlanTag(42, EtherTypeOf(v6)), ip)), VlanId: 42),
        ["ethernet MPLS unicast stack"] = new(LinkType.Ethernet,
            (ip, _) => Ethernet(0x8847, Concat(MplsLabel(16, false), MplsLabel(1000, false), MplsLabel(17, true), ip))),
        ["ethernet 802.1Q MPLS multicast"] = new(LinkType.Ethernet,
            (ip, _) => Ethernet(0x8100, Concat(VlanTag(7, 0x8848), MplsLabel(99, true), ip)), VlanId: 7),
        ["linux SLL"] = new(LinkType.LinuxSll, (ip, v6) => Concat(
            Word(0), Word(1), Word(6), [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0], Word(EtherTypeOf(v6)), ip)),
        ["linux SLL 802.1Q"] = new(LinkType.LinuxSll, (ip, v6) => Concat(
            Word(4), Word(1), Word(6), [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0], Word(0x8100), VlanTag(5, EtherTypeOf(v6)), ip), VlanId: 5),
        ["linux SLL2"] = new(LinkType.LinuxSll2, (ip, v6) => Concat(
            Word(EtherTypeOf(v6)), Word(0), [0, 0, 0, 3], Word(1), [4, 6], [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0], ip)),
        ["null little-endian (Darwin AF_INET6 30)"] = new(LinkType.Null, (ip, v6) => Concat([(byte)(v6 ? 30 : 2), 0, 0, 0], ip)),
        ["null big-endian (NetBSD AF_INET6 24)"] = new(LinkType.Null, (ip, v6) => Concat([0, 0, 0, (byte)(v6 ? 24 : 2)], ip)),
        ["null little-endian (FreeBSD AF_INET6 28)"] = new(LinkType.Null, (ip, v6) => Concat([(byte)(v6 ? 28 : 2), 0, 0, 0], ip)),
        ["loop (network order)"] = new(LinkType.Loop, (ip, v6) => Concat([0, 0, 0, (byte)(v6 ? 24 : 2)], ip)),
        ["raw 101"] = new(LinkType.Raw, (ip, _) => ip),
        ["raw 12"] = new(LinkType.RawBsd12, (ip, _) => ip),
        ["raw 14"] = new(LinkType.RawBsd14, (ip, _) => ip),
        ["ipv4 228"] = new(LinkType.Ipv4, (ip, _) => ip, CarriesIPv6: false),
        ["ipv6 229"] = new(LinkType.Ipv6, (ip, _) => ip, CarriesIPv4: false),
        ["nflog little-endian"] = new(LinkType.Nflog, (ip, v6) => Nflog(ip, v6, littleEndian: true)),
        ["nflog big-endian"] = new(LinkType.Nflog, (ip, v6) => Nflog(ip, v6, littleEndian: false)),
        ["radiotap 802.11 QoS data from DS"] = new(LinkType.Ieee80211Radiotap, (ip, v6) => Radiotap(ip, v6, frameControl: 0x88, flags: 0x02)),
        ["radiotap 802.11 data WDS"] = new(LinkType.Ieee80211Radiotap, (ip, v6) => Radiotap(ip, v6, frameControl: 0x08, flags: 0x03)),
    };

    public static TheoryData<string, int> EncapsulationCases()
    {
        var cases = new TheoryData<string, int>();
        foreach ((string name, Encapsulation encapsulation) in Encapsulations)
        {
            if (encapsulation.CarriesIPv4) cases.Add(name, 4);
            if (encapsulation.CarriesIPv6) cases.Add(name, 6);
        }
        return cases;
    }

    /// <summary>NFLOG header, a packet-header TLV, a 3-byte prefix TLV (padded), then the payload TLV.</summary>
    private static byte[] Nflog(byte[] ip, bool isIPv6, bool littleEndian)
    {
        byte[] Tlv(int type, byte[] value)
        {
            int length = 4 + value.Length;
            byte[] header = littleEndian
                ? [(byte)length, (byte)(length >> 8), (byte)type, (byte)(type >> 8)]
                : [(byte)(length >> 8), (byte)length, (byte)(type >> 8), (byte)type];
            return Concat(header, value, new byte[(4 - length % 4) % 4]);
        }
        return Concat([(byte)(isIPv6 ? 10 : 2), 0, 0, 0], Tlv(1, [0x08, 0x00, 3, 0]), Tlv(10, "abc"u8.ToArray()), Tlv(9, ip));
    }

    /// <summary>A 12-byte radiotap header (flags field present), an 802.11 data frame, LLC/SNAP.</summary>
    private static byte[] Radiotap(byte[] ip, bool isIPv6, byte frameControl, byte flags)
    {
        byte[] radiotap = [0, 0, 12, 0, 0x02, 0, 0, 0, 0x00, 0, 0, 0];
        bool fourAddresses = (flags & 0x03) == 0x03;
        bool qos = (frameControl & 0x80) != 0;
        byte[] header = new byte[24 + (fourAddresses ? 6 : 0) + (qos ? 2 : 0)];
        header[0] = frameControl;
        header[1] = flags;
        return Concat(radiotap, header, [0xAA, 0xAA, 0x03, 0, 0, 0], Word(EtherTypeOf(isIPv6)), ip);
    }

    internal static byte[] SampleIp(bool isIPv6) => isIPv6 ? IPv6(TcpHeader()) : IPv4(TcpHeader());

    [Theory]
    [MemberData(nameof(EncapsulationCases))]
    public void Every_encapsulation_yields_the_tcp_segment(string encapsulationName, int ipVersion)
    {
        Encapsulation encapsulation = Encapsulations[encapsulationName];
        bool isIPv6 = ipVersion == 6;
        var harness = new DecoderHarness();

        DecodeResult result = harness.Decode(encapsulation.Wrap(SampleIp(isIPv6), isIPv6), encapsulation.LinkType, out DecodedSegment? segment);

        Assert.Equal(DecodeResult.Tcp, result);
        Assert.NotNull(segment);
        Assert.Equal(isIPv6 ? "[2001:db8::1]:40000" : "10.0.0.1:40000", segment.Source);
        Assert.Equal(isIPv6 ? "[2001:db8:0:1::80]:80" : "192.0.2.80:80", segment.Destination);
        Assert.Equal(encapsulation.VlanId, segment.VlanId);
        Assert.Equal(HttpRequest, segment.Payload);
        Assert.Equal(1, isIPv6 ? harness.Decoder.Counters.IPv6Packets : harness.Decoder.Counters.IPv4Packets);
        Assert.Equal(1, harness.Decoder.Counters.FramesByLinkType[encapsulation.LinkType]);
        Assert.Empty(harness.Sink.Anomalies);
    }

    [Fact]
    public void Ethernet_with_an_802_3_length_field_is_not_ip()
    {
        var harness = new DecoderHarness();
        byte[] llcFrame = Ethernet(46, Concat([0x42, 0x42, 0x03], new byte[43]));

        Assert.Equal(DecodeResult.NonIp, harness.Decode(llcFrame, LinkType.Ethernet, out _));
        Assert.Equal(1, harness.Decoder.Counters.NonIpFrames);
    }

    [Fact]
    public void Arp_and_pseudowire_mpls_are_not_ip()
    {
        var harness = new DecoderHarness();

        Assert.Equal(DecodeResult.NonIp, harness.Decode(Ethernet(0x0806, new byte[28]), LinkType.Ethernet, out _));
        Assert.Equal(DecodeResult.NonIp, harness.Decode(Ethernet(0x8847, Concat(MplsLabel(5, true), [0x00, 0, 0, 0], new byte[40])), LinkType.Ethernet, out _));
        Assert.Equal(2, harness.Decoder.Counters.NonIpFrames);
    }

    [Fact]
    public void Protected_and_management_802_11_frames_are_not_ip()
    {
        var harness = new DecoderHarness();
        byte[] ip = SampleIp(false);
        byte[] encrypted = Radiotap(ip, false, frameControl: 0x88, flags: 0x42);
        byte[] beacon = Radiotap(ip, false, frameControl: 0x80, flags: 0x00);

        Assert.Equal(DecodeResult.NonIp, harness.Decode(encrypted, LinkType.Ieee80211Radiotap, out _));
        Assert.Equal(DecodeResult.NonIp, harness.Decode(beacon, LinkType.Ieee80211Radiotap, out _));
    }

    [Fact]
    public void Raw_ip_link_with_a_bogus_version_is_malformed()
    {
        var harness = new DecoderHarness();
        byte[] packet = SampleIp(false);
        packet[0] = 0x55;

        Assert.Equal(DecodeResult.Malformed, harness.Decode(packet, LinkType.Raw, out _));
        Assert.Equal(DecodeResult.Malformed, harness.Decode(SampleIp(true), LinkType.Ipv4, out _));
        Assert.Equal(2, harness.Decoder.Counters.DecodeErrors);
    }

    [Fact]
    public void Unknown_link_types_are_counted_and_reported_once()
    {
        var harness = new DecoderHarness();
        const LinkType Usb = (LinkType)189;

        for (int i = 0; i < 3; i++) Assert.Equal(DecodeResult.UnknownLinkType, harness.Decode(SampleIp(false), Usb, out _));

        Assert.Equal(3, harness.Decoder.Counters.UnknownLinkTypeFrames);
        Assert.Equal(3, harness.Decoder.Counters.FramesByLinkType[Usb]);
        Assert.Equal([AnomalyKinds.UnknownLinkType], harness.Sink.Kinds);
    }

    [Fact]
    public void Ethernet_padding_does_not_reach_tcp()
    {
        var harness = new DecoderHarness();
        byte[] shortSegment = IPv4(TcpHeader(options: [], payload: "hi"u8.ToArray()));
        byte[] padded = Concat(Ethernet(EtherTypeIPv4, shortSegment), new byte[64 - 14 - shortSegment.Length], [0xDE, 0xAD, 0xBE, 0xEF]);

        Assert.Equal(DecodeResult.Tcp, harness.Decode(padded, LinkType.Ethernet, out DecodedSegment? segment));
        Assert.Equal("hi"u8.ToArray(), segment!.Payload);
        Assert.Equal(0, segment.MissingPayloadBytes);
    }
}
