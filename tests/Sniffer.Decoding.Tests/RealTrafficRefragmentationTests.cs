using System.Buffers.Binary;
using System.Net;
using Sniffer.Core.Packets;
using Sniffer.TestSupport;
using Xunit;
using static Sniffer.Decoding.Tests.CaptureDecoding;
using static Sniffer.Decoding.Tests.Packets;

namespace Sniffer.Decoding.Tests;

/// <summary>
/// The reference corpus has no fragmented trace, so we make some: every TCP packet of a real capture is cut
/// into fragments, shuffled, and must reassemble into exactly the segment the whole packet decoded to.
/// </summary>
public sealed class RealTrafficRefragmentationTests
{
    private sealed record Original(byte[] Fragmentable, IPAddress Source, IPAddress Destination, bool IsIPv6, DecodedSegment Segment);

    [SharedCapturesTheory]
    [InlineData("real/http-keepalive-nginx.pcap")]
    [InlineData("real/smtp-swaks-aiosmtpd.pcap")]
    [InlineData("peers/arkime/tests/pcap/v6-http.pcap")]
    [InlineData("peers/zeek/http/get.pcap")]
    public void Real_tcp_packets_cut_into_fragments_reassemble_exactly(string capture)
    {
        List<Original> originals = CollectUntaggedTcp(capture);
        var random = new Random(815);
        var harness = new DecoderHarness();
        uint identification = 0;

        foreach (Original original in originals)
        {
            identification++;
            List<byte[]> fragments = Fragment(original, identification, random);
            DecodedSegment? reassembled = null;
            foreach (byte[] fragment in fragments.OrderBy(_ => random.Next()))
            {
                if (harness.Decode(fragment, LinkType.Raw, out DecodedSegment? segment) == DecodeResult.Tcp) reassembled = segment;
            }
            Assert.Equal(original.Segment, reassembled! with { Payload = original.Segment.Payload });
            Assert.Equal(original.Segment.Payload, reassembled.Payload);
        }

        Assert.True(originals.Count > 0);
        Assert.Equal(originals.Count, harness.Decoder.Counters.DatagramsReassembled);
        Assert.Empty(harness.Sink.Anomalies);
    }

    /// <summary>TCP packets sitting directly in untagged Ethernet (no IPv4 options, no IPv6 extension headers), with their decoded segment.</summary>
    private static List<Original> CollectUntaggedTcp(string capture)
    {
        var originals = new List<Original>();
        DecodeFile(capture, (in CaptureFrame frame, DecodeResult result, in TcpSegment segment) =>
        {
            if (result != DecodeResult.Tcp || segment.MissingPayloadBytes > 0 || frame.Data.Length < 14) return;
            ReadOnlySpan<byte> ip = frame.Data[14..];
            ushort etherType = BinaryPrimitives.ReadUInt16BigEndian(frame.Data[12..]);
            if (etherType == EtherTypeIPv4 && ip[0] == 0x45)
            {
                int totalLength = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
                originals.Add(new Original(ip[20..totalLength].ToArray(), new IPAddress(ip[12..16]), new IPAddress(ip[16..20]), false, DecodedSegment.From(segment)));
            }
            else if (etherType == EtherTypeIPv6 && ip[6] == Tcp)
            {
                int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);
                originals.Add(new Original(ip.Slice(40, payloadLength).ToArray(), new IPAddress(ip[8..24]), new IPAddress(ip[24..40]), true, DecodedSegment.From(segment)));
            }
        });
        return originals;
    }

    private static List<byte[]> Fragment(Original original, uint identification, Random random)
    {
        var fragments = new List<byte[]>();
        byte[] data = original.Fragmentable;
        for (int offset = 0; offset < data.Length;)
        {
            int size = 8 * random.Next(1, 64);
            if (offset == 0) size = Math.Min(size, Math.Max(8, (data.Length - 1) / 8 * 8)); // at least two pieces
            bool more = offset + size < data.Length;
            byte[] piece = data[offset..Math.Min(data.Length, offset + size)];
            fragments.Add(original.IsIPv6
                ? IPv6(Concat(IPv6FragmentHeader(Tcp, offset, more, identification), piece), IPv6Fragment, original.Source, original.Destination)
                : IPv4(piece, Tcp, original.Source, original.Destination, (ushort)identification, more, offset));
            offset += piece.Length;
        }
        return fragments;
    }
}
