using SharpPcap;
using SharpPcap.LibPcap;
using Sniffer.Core.Packets;
using Sniffer.Core.Records;
using Sniffer.TestSupport;
using Xunit;

namespace Sniffer.Decoding.Tests;

/// <summary>
/// The reference captures beside the checkout (skipped when absent): real link layers, real traffic.
/// libpcap (through SharpPcap) reads the files, so these tests judge the decoder independently of our own
/// capture file reader. The corpus holds no fragmented trace; <see cref="RefragmentationTests"/> and
/// <see cref="FragmentReassemblyTests"/> cover reassembly instead.
/// </summary>
public sealed class SharedCaptureTests
{
    private sealed record CaptureSummary(DecoderCounters Counters, IReadOnlyDictionary<DecodeResult, int> Results, IReadOnlyList<Anomaly> Anomalies)
    {
        public int IpFrames => Count(DecodeResult.Tcp) + Count(DecodeResult.Udp) + Count(DecodeResult.OtherIp) + Count(DecodeResult.FragmentHeld);

        public int Count(DecodeResult result) => Results.GetValueOrDefault(result);
    }

    private static CaptureSummary DecodeFile(string relativePath)
    {
        var sink = new RecordingSink();
        var decoder = new PacketDecoder(DecoderSettings.Default, sink);
        var results = new Dictionary<DecodeResult, int>();
        using var device = new CaptureFileReaderDevice(RepositoryPaths.Shared(relativePath));
        device.Open();
        var linkType = (LinkType)(ushort)device.LinkType;
        long frameNumber = 0;
        while (device.GetNextPacket(out PacketCapture capture) == GetPacketStatus.PacketRead)
        {
            var header = (PcapHeader)capture.Header;
            long timestampNs = (long)header.Timeval.Seconds * 1_000_000_000 + (long)header.Timeval.MicroSeconds * 1_000;
            var frame = new CaptureFrame(capture.Data, (int)header.PacketLength, timestampNs, linkType, ++frameNumber);
            DecodeResult result = decoder.Decode(frame, out _);
            results[result] = results.GetValueOrDefault(result) + 1;
        }
        return new CaptureSummary(decoder.Counters, results, sink.Anomalies);
    }

    public static TheoryData<string> AllCaptures()
    {
        var captures = new TheoryData<string>();
        string? root = RepositoryPaths.SharedCaptures;
        if (root is null) return captures;
        foreach (string folder in new[] { "peers", "real" })
        {
            foreach (string path in Directory.EnumerateFiles(Path.Combine(root, folder), "*.pcap*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                captures.Add(Path.GetRelativePath(root, path));
            }
        }
        return captures;
    }

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
}
