using PacketDotNet;
using PacketDotNet.Utils;
using Sniffer.Core.Packets;
using Sniffer.Core.Records;
using Sniffer.TestSupport;
using Xunit;
using static Sniffer.Decoding.Tests.CaptureDecoding;

namespace Sniffer.Decoding.Tests;

/// <summary>
/// The reference captures beside the checkout (skipped when absent): real link layers, real traffic.
/// The corpus holds no fragmented trace; <see cref="RefragmentationTests"/> and
/// <see cref="FragmentReassemblyTests"/> cover reassembly instead.
/// </summary>
public sealed class SharedCaptureTests
{
    public static TheoryData<string> AllCaptures() => new(RepositoryPaths.SharedCaptureFiles());

    [SharedCapturesTheory]
    [MemberData(nameof(AllCaptures))]
    public void Every_capture_decodes_to_ip_without_errors(string capture)
    {
        CaptureSummary summary = DecodeFile(capture);

        Assert.True(summary.IpFrames > 0, $"{capture}: no frame decoded to IP");
        Assert.Equal(0, summary.Count(DecodeResult.Malformed));
        Assert.Equal(0, summary.Count(DecodeResult.UnknownLinkType));
        Assert.DoesNotContain(summary.Anomalies, anomaly => anomaly.Kind == AnomalyKinds.FragmentInconsistent);
    }

    /// <summary>
    /// The link-layer samples, with what tshark 4 reports for them (<c>-Y "ip or ipv6"</c> and <c>-Y tcp</c>,
    /// the latter minus TCP headers quoted inside ICMP errors): every frame tshark sees as IP must decode to IP.
    /// </summary>
    [SharedCapturesTheory]
    [InlineData("peers/zeek/nflog-http.pcap", LinkType.Nflog, 13, 13, 13)]
    [InlineData("peers/zeek/linux_dlt_sll2.pcap", LinkType.LinuxSll2, 6, 4, 0)]
    [InlineData("peers/suricata-verify/tests/output-multi-eve/input.pcap", LinkType.LinuxSll, 426, 422, 422)]
    [InlineData("peers/zeek/mixed-vlan-mpls.pcap", LinkType.Ethernet, 47, 47, 47)]
    [InlineData("peers/arkime/tests/pcap/80211http.pcap", LinkType.Ieee80211Radiotap, 26, 26, 26)]
    [InlineData("peers/suricata-verify/tests/http-ipv6/input.pcap", LinkType.Null, 14, 14, 14)]
    [InlineData("peers/suricata-verify/tests/http-connect/http-connect-simple/input.pcap", LinkType.Null, 16, 16, 16)]
    [InlineData("peers/zeek/http/basic-auth-with-colon.pcap", LinkType.Ipv4, 12, 12, 12)]
    [InlineData("peers/arkime/tests/pcap/v6-http.pcap", LinkType.Ethernet, 55, 55, 10)]
    [InlineData("real/damaged/smtp-swaks-aiosmtpd.snap96.pcap", LinkType.Ethernet, 231, 231, 231)]
    public void Link_layer_samples_decode_every_ip_frame_tshark_sees(string capture, LinkType linkType, int frames, int ipFrames, int tcpSegments)
    {
        CaptureSummary summary = DecodeFile(capture);

        Assert.Equal(frames, summary.Counters.FramesByLinkType[linkType]);
        Assert.Equal(ipFrames, summary.IpFrames);
        Assert.Equal(tcpSegments, summary.Counters.TcpSegments);
    }

    [SharedCapturesFact]
    public void Snaplen_96_capture_reports_cut_payloads_not_errors()
    {
        CaptureSummary summary = DecodeFile("real/damaged/smtp-swaks-aiosmtpd.snap96.pcap");

        Assert.Equal(34, summary.Counters.TcpPayloadsCut);
        Assert.Equal(0, summary.Counters.TruncatedFrames);
        Assert.Empty(summary.Anomalies);
    }

    /// <summary>
    /// Frame by frame against PacketDotNet wherever it parses the whole frame (it stops at radiotap's 802.11
    /// and throws on snaplen-cut frames, which the tshark counts above cover): wherever it finds TCP directly
    /// in IP, we must report the same ports, numbers, flags, window and payload bytes.
    /// </summary>
    [SharedCapturesTheory]
    [InlineData("peers/zeek/mixed-vlan-mpls.pcap")]
    [InlineData("peers/suricata-verify/tests/output-multi-eve/input.pcap")]
    [InlineData("peers/suricata-verify/tests/http-ipv6/input.pcap")]
    [InlineData("peers/arkime/tests/pcap/v6-http.pcap")]
    [InlineData("peers/zeek/smtp.pcap")]
    public void Segments_agree_with_packetdotnet_frame_by_frame(string capture)
    {
        int compared = 0;
        DecodeFile(capture, (in CaptureFrame frame, DecodeResult result, in TcpSegment segment) =>
        {
            Packet parsed = Packet.ParsePacket((LinkLayers)frame.LinkType, frame.Data.ToArray());
            if (parsed.Extract<TcpPacket>() is not { ParentPacket: IPPacket } tcp) return;
            Assert.True(result == DecodeResult.Tcp, $"frame {frame.FrameNumber}: PacketDotNet sees TCP, we decoded {result}");
            Assert.Equal(tcp.SourcePort, segment.Source.Port);
            Assert.Equal(tcp.DestinationPort, segment.Destination.Port);
            Assert.Equal(((IPPacket)tcp.ParentPacket).SourceAddress, segment.Source.ToIPAddress());
            Assert.Equal(tcp.SequenceNumber, segment.SequenceNumber);
            Assert.Equal(tcp.AcknowledgmentNumber, segment.AcknowledgmentNumber);
            Assert.Equal((byte)tcp.Flags, (byte)segment.Flags);
            Assert.Equal(tcp.WindowSize, segment.Window);
            ByteArraySegment payload = tcp.PayloadDataSegment;
            Assert.True(payload.ActualBytes().AsSpan().SequenceEqual(segment.Payload), $"frame {frame.FrameNumber}: payload differs");
            compared++;
        });
        Assert.True(compared > 0, $"{capture}: PacketDotNet found no TCP to compare");
    }
}
