using System.Net;
using System.Net.NetworkInformation;
using PacketDotNet;
using Sniffer.Core.Packets;
using Sniffer.Core.Records;
using Xunit;
using static Sniffer.Decoding.Tests.Packets;

namespace Sniffer.Decoding.Tests;

public sealed class IpAndTcpTests
{
    [Fact]
    public void Tcp_header_fields_and_syn_options_are_read()
    {
        var harness = new DecoderHarness();
        byte[] syn = IPv4(TcpHeader(sourcePort: 51234, destinationPort: 25, sequence: 0xFFFFFFF0, acknowledgment: 0,
            flags: TcpFlags.Syn | TcpFlags.Ece | TcpFlags.Cwr, window: 64240, options: SynOptions, payload: []));

        Assert.Equal(DecodeResult.Tcp, harness.Decode(syn, LinkType.Raw, out DecodedSegment? segment));

        Assert.Equal(new DecodedSegment("10.0.0.1:51234", "192.0.2.80:25", 0, 0xFFFFFFF0, 0, TcpFlags.Syn | TcpFlags.Ece | TcpFlags.Cwr, 64240,
            new TcpOptions(MaximumSegmentSize: 1460, WindowScale: 7, SackPermitted: true, HasTimestamps: true, TimestampValue: 0x1234, TimestampEcho: 0),
            [], 0), segment! with { Payload = [] });
        Assert.Equal(1, harness.Decoder.Counters.TcpSegments);
    }

    [Fact]
    public void Segment_without_options_reports_none()
    {
        var harness = new DecoderHarness();
        Assert.Equal(DecodeResult.Tcp, harness.Decode(IPv4(TcpHeader(options: [])), LinkType.Raw, out DecodedSegment? segment));
        Assert.Equal(TcpOptions.None, segment!.Options);
    }

    [Theory]
    [InlineData(new byte[] { 2, 0, 0, 0 }, "length 0")]
    [InlineData(new byte[] { 1, 1, 8, 12, 0, 0, 0, 0 }, "length past the header")]
    [InlineData(new byte[] { 1, 1, 1, 2 }, "kind without room for its length")]
    [InlineData(new byte[] { 2, 3, 5, 1 }, "MSS of the wrong length")]
    public void Malformed_options_keep_the_segment_and_are_reported(byte[] options, string why)
    {
        var harness = new DecoderHarness();

        Assert.Equal(DecodeResult.Tcp, harness.Decode(IPv4(TcpHeader(options: options)), LinkType.Raw, out DecodedSegment? segment));

        Assert.Equal(HttpRequest, segment!.Payload);
        Assert.Equal(-1, segment.Options.MaximumSegmentSize);
        Assert.True(harness.Decoder.Counters.MalformedTcpOptions == 1, why);
        Assert.Equal([AnomalyKinds.MalformedTcp], harness.Sink.Kinds);
    }

    [Fact]
    public void Ipv4_options_are_skipped_by_header_length()
    {
        var harness = new DecoderHarness();
        byte[] routerAlert = [0x94, 0x04, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00];

        Assert.Equal(DecodeResult.Tcp, harness.Decode(IPv4(TcpHeader(), options: routerAlert), LinkType.Raw, out DecodedSegment? segment));
        Assert.Equal(HttpRequest, segment!.Payload);
        Assert.Equal(1000u, segment.Sequence);
    }

    [Fact]
    public void Ipv6_extension_headers_are_walked_to_tcp()
    {
        var harness = new DecoderHarness();
        byte[] authentication = Concat([IPv6DestinationOptions, 4, 0, 0], new byte[20]); // (4 + 2) * 4 = 24 bytes, RFC 4302
        byte[] chain = Concat(
            IPv6OptionsHeader(IPv6Routing, 1),
            IPv6OptionsHeader(IPv6AuthenticationHeader, 2),
            authentication,
            IPv6OptionsHeader(Tcp, 3),
            TcpHeader());

        Assert.Equal(DecodeResult.Tcp, harness.Decode(IPv6(chain, nextHeader: IPv6HopByHop), LinkType.Raw, out DecodedSegment? segment));
        Assert.Equal(HttpRequest, segment!.Payload);
    }

    [Fact]
    public void Ipv6_atomic_fragment_is_a_whole_packet()
    {
        var harness = new DecoderHarness();
        byte[] atomic = IPv6(Concat(IPv6FragmentHeader(Tcp, 0, false, 77), TcpHeader()), nextHeader: IPv6Fragment);

        Assert.Equal(DecodeResult.Tcp, harness.Decode(atomic, LinkType.Raw, out _));
        Assert.Equal(0, harness.Decoder.FragmentDatagramsInFlight);
    }

    [Theory]
    [InlineData(50, "ESP")]
    [InlineData(59, "no next header")]
    [InlineData(58, "ICMPv6")]
    public void Ipv6_without_readable_transport_is_other_ip(byte nextHeader, string what)
    {
        var harness = new DecoderHarness();
        Assert.True(DecodeResult.OtherIp == harness.Decode(IPv6(new byte[24], nextHeader), LinkType.Raw, out _), what);
        Assert.Equal(1, harness.Decoder.Counters.OtherIpPackets);
    }

    [Fact]
    public void Udp_and_icmp_are_counted()
    {
        var harness = new DecoderHarness();

        Assert.Equal(DecodeResult.Udp, harness.Decode(IPv4(UdpHeader(5353, 53, [1, 2, 3]), Udp), LinkType.Raw, out _));
        Assert.Equal(DecodeResult.OtherIp, harness.Decode(IPv4([8, 0, 0, 0, 0, 1, 0, 1], Icmp), LinkType.Raw, out _));
        Assert.Equal(DecodeResult.Udp, harness.Decode(IPv6(UdpHeader(5353, 53, []), Udp), LinkType.Raw, out _));

        Assert.Equal(2, harness.Decoder.Counters.UdpDatagrams);
        Assert.Equal(1, harness.Decoder.Counters.OtherIpPackets);
    }

    [Theory]
    [InlineData(4, 30)]
    [InlineData(4, 1)]
    [InlineData(4, 0)]
    [InlineData(6, 17)]
    public void Snaplen_cut_payload_reports_exact_missing_bytes(int ipVersion, int capturedPayload)
    {
        var harness = new DecoderHarness();
        byte[] payload = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        byte[] ip = ipVersion == 6 ? IPv6(TcpHeader(payload: payload)) : IPv4(TcpHeader(payload: payload));
        byte[] frame = Ethernet(ipVersion == 6 ? EtherTypeIPv6 : EtherTypeIPv4, ip);
        int headers = frame.Length - payload.Length;

        DecodeResult result = harness.Decode(frame[..(headers + capturedPayload)], LinkType.Ethernet, out DecodedSegment? segment, originalLength: frame.Length);

        Assert.Equal(DecodeResult.Tcp, result);
        Assert.Equal(payload[..capturedPayload], segment!.Payload);
        Assert.Equal(100 - capturedPayload, segment.MissingPayloadBytes);
        Assert.Equal(1, harness.Decoder.Counters.TcpPayloadsCut);
        Assert.Empty(harness.Sink.Anomalies);
    }

    [Fact]
    public void Tcp_header_cut_by_the_snaplen_is_truncated_not_malformed()
    {
        var harness = new DecoderHarness();
        byte[] frame = Ethernet(EtherTypeIPv4, IPv4(TcpHeader()));
        int cutInsideOptions = 14 + 20 + 24;

        Assert.Equal(DecodeResult.Truncated, harness.Decode(frame[..cutInsideOptions], LinkType.Ethernet, out _, originalLength: frame.Length));
        Assert.Equal(DecodeResult.Truncated, harness.Decode(frame[..(14 + 10)], LinkType.Ethernet, out _, originalLength: frame.Length));

        Assert.Equal(2, harness.Decoder.Counters.TruncatedFrames);
        Assert.Equal(0, harness.Decoder.Counters.DecodeErrors);
        Assert.Empty(harness.Sink.Anomalies);
    }

    [Fact]
    public void Lengths_the_frame_cannot_hold_are_malformed()
    {
        var harness = new DecoderHarness();
        byte[] ip = IPv4(TcpHeader());
        ip[3] += 10; // total length beyond a frame that was captured whole

        Assert.Equal(DecodeResult.Malformed, harness.Decode(ip, LinkType.Raw, out _));
        Assert.Equal(DecodeResult.Malformed, harness.Decode(IPv4(TcpHeader())[..30], LinkType.Raw, out _));
        byte[] badOffset = IPv4(TcpHeader());
        badOffset[20 + 12] = 0x40; // data offset 4 words
        Assert.Equal(DecodeResult.Malformed, harness.Decode(badOffset, LinkType.Raw, out _));
        byte[] badIhl = IPv4(TcpHeader());
        badIhl[0] = 0x44;
        Assert.Equal(DecodeResult.Malformed, harness.Decode(badIhl, LinkType.Raw, out _));

        Assert.Equal(4, harness.Decoder.Counters.DecodeErrors);
        Assert.Equal([AnomalyKinds.MalformedIp, AnomalyKinds.MalformedIp, AnomalyKinds.MalformedTcp, AnomalyKinds.MalformedIp], harness.Sink.Kinds);
    }

    [Fact]
    public void Zero_total_length_from_segmentation_offload_uses_the_captured_length()
    {
        var harness = new DecoderHarness();
        byte[] ip = IPv4(TcpHeader());
        ip[2] = ip[3] = 0;

        Assert.Equal(DecodeResult.Tcp, harness.Decode(ip, LinkType.Raw, out DecodedSegment? segment));
        Assert.Equal(HttpRequest, segment!.Payload);
    }

    [Fact]
    public void Anomalies_beyond_the_per_kind_budget_are_only_counted()
    {
        var harness = new DecoderHarness(DecoderSettings.Default with { MaxAnomaliesPerKind = 2 });
        byte[] bad = IPv4(TcpHeader());
        bad[0] = 0x43;

        for (int i = 0; i < 5; i++) harness.Decode(bad, LinkType.Raw, out _);

        Assert.Equal(2, harness.Sink.Anomalies.Count);
        Assert.Equal(3, harness.Decoder.Counters.AnomaliesSuppressed);
        Assert.Equal(5, harness.Decoder.Counters.DecodeErrors);
    }

    [Fact]
    public void Agrees_with_packetdotnet_on_a_packet_it_built()
    {
        var tcp = new TcpPacket(443, 50000)
        {
            SequenceNumber = 123456789,
            AcknowledgmentNumber = 987654321,
            Acknowledgment = true,
            Push = true,
            Finished = true,
            WindowSize = 1024,
            PayloadData = "HTTP/1.1 200 OK\r\n\r\n"u8.ToArray(),
        };
        var ip = new IPv4Packet(IPAddress.Parse("198.51.100.7"), IPAddress.Parse("203.0.113.9")) { PayloadPacket = tcp };
        var ethernet = new EthernetPacket(PhysicalAddress.Parse("00-11-22-33-44-55"), PhysicalAddress.Parse("66-77-88-99-AA-BB"), EthernetType.IPv4)
        {
            PayloadPacket = ip,
        };
        ethernet.UpdateCalculatedValues();
        var harness = new DecoderHarness();

        Assert.Equal(DecodeResult.Tcp, harness.Decode(ethernet.Bytes, LinkType.Ethernet, out DecodedSegment? segment));

        Assert.Equal("198.51.100.7:443", segment!.Source);
        Assert.Equal("203.0.113.9:50000", segment.Destination);
        Assert.Equal(tcp.SequenceNumber, segment.Sequence);
        Assert.Equal(tcp.AcknowledgmentNumber, segment.Acknowledgment);
        Assert.Equal(TcpFlags.Ack | TcpFlags.Psh | TcpFlags.Fin, segment.Flags);
        Assert.Equal(tcp.WindowSize, segment.Window);
        Assert.Equal(tcp.PayloadData, segment.Payload);
    }
}
