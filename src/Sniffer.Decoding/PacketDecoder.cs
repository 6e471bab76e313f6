using System.Buffers.Binary;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Core.Packets;
using Sniffer.Core.Records;

namespace Sniffer.Decoding;

/// <summary>
/// Decodes captured frames down to TCP without allocating: link layer, IPv4/IPv6 (with extension headers
/// and fragment reassembly), then TCP. Every frame ends in exactly one <see cref="DecodeResult"/> and
/// one counter; nothing a frame contains makes it throw. One instance per capture thread.
/// </summary>
public sealed class PacketDecoder
{
    private const int IPv4MinimumHeaderLength = 20;
    private const int IPv6HeaderLength = 40;
    private const int TcpMinimumHeaderLength = 20;
    private const int UdpHeaderLength = 8;
    private const int IPv6FragmentHeaderLength = 8;

    // RFC 791 §3.1: flags and fragment offset share a 16-bit field; the offset counts 8-octet units.
    private const int IPv4MoreFragments = 0x2000;
    private const int IPv4FragmentOffsetUnits = 0x1FFF;
    // RFC 8200 §4.5: the offset sits in the top 13 bits, already in 8-octet units, so masking yields bytes.
    private const int IPv6FragmentOffsetBytes = 0xFFF8;
    private const int IPv6MoreFragments = 0x0001;

    private const byte ProtocolTcp = 6;
    private const byte ProtocolUdp = 17;
    // RFC 8200 §4: the extension headers we walk through. ESP (50) and No Next Header (59) end the walk:
    // what follows is encrypted or absent, so such packets count as other IP.
    private const byte IPv6HopByHopOptions = 0;
    private const byte IPv6Routing = 43;
    private const byte IPv6Fragment = 44;
    private const byte IPv6AuthenticationHeader = 51;
    private const byte IPv6DestinationOptions = 60;

    private readonly AnomalyReporter _anomalies;
    private readonly FragmentReassembler _fragments;

    public PacketDecoder(DecoderSettings settings, IRecordSink anomalySink)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(anomalySink);
        settings.Validate();
        _anomalies = new AnomalyReporter(anomalySink, settings.MaxAnomaliesPerKind, Counters);
        _fragments = new FragmentReassembler(settings, Counters, _anomalies);
    }

    public DecoderCounters Counters { get; } = new();

    public int FragmentDatagramsInFlight => _fragments.DatagramsInFlight;

    /// <summary>Buffer bytes held for datagrams in reassembly.</summary>
    public long FragmentBytesBuffered => _fragments.BufferedBytes;

    /// <summary>
    /// Abandons (and reports) datagrams whose reassembly timer ran out before <paramref name="nowNs"/>
    /// (Unix nanoseconds, capture time). Call it as capture time advances; returns how many expired.
    /// </summary>
    public int ExpireFragments(long nowNs) => _fragments.Expire(nowNs);

    /// <summary>
    /// Decodes one frame. On <see cref="DecodeResult.Tcp"/>, <paramref name="segment"/> describes the
    /// segment; its payload points into the frame or, for a reassembled datagram, into a buffer of this
    /// decoder. Either way it is valid only until the next call.
    /// </summary>
    public DecodeResult Decode(in CaptureFrame frame, out TcpSegment segment)
    {
        segment = default;
        _fragments.ReleaseLentBuffer();
        bool firstOfLinkType = Counters.CountFrame(frame.LinkType, frame.Data.Length, frame.OriginalLength);

        switch (LinkLayer.Locate(frame.LinkType, frame.Data, out int networkOffset, out ushort vlanId))
        {
            case LinkOutcome.IPv4:
                return DecodeIPv4(frame, frame.Data[networkOffset..], vlanId, out segment);
            case LinkOutcome.IPv6:
                return DecodeIPv6(frame, frame.Data[networkOffset..], vlanId, out segment);
            case LinkOutcome.NonIp:
                Counters.NonIpFrames++;
                return DecodeResult.NonIp;
            case LinkOutcome.HeaderCut:
                return Cut(frame, frame.IsTruncated, AnomalyKinds.MalformedLink, "link", "frame ends inside the link-layer header");
            case LinkOutcome.Malformed:
                return Malformed(frame, AnomalyKinds.MalformedLink, "link", "link-layer header contradicts itself or the frame");
            default: // LinkOutcome.UnknownLinkType
                // Counted per link type; one anomaly per unknown type is enough to say what was skipped.
                Counters.UnknownLinkTypeFrames++;
                if (firstOfLinkType)
                {
                    _anomalies.Report(AnomalyKinds.UnknownLinkType, "capture", frame.TimestampNs, frame.FrameNumber,
                        $"link type {(int)frame.LinkType} is not decoded; its frames are only counted");
                }
                return DecodeResult.UnknownLinkType;
        }
    }

    /// <summary>RFC 791 §3.1.</summary>
    private DecodeResult DecodeIPv4(in CaptureFrame frame, ReadOnlySpan<byte> packet, ushort vlanId, out TcpSegment segment)
    {
        segment = default;
        if (packet.Length < IPv4MinimumHeaderLength) return Cut(frame, frame.IsTruncated, AnomalyKinds.MalformedIp, "ip", "frame ends inside the IPv4 header");
        if (packet[0] >> 4 != 4) return Malformed(frame, AnomalyKinds.MalformedIp, "ip", "IPv4 header does not carry version 4");
        int headerLength = (packet[0] & 0x0F) * 4;
        if (headerLength < IPv4MinimumHeaderLength) return Malformed(frame, AnomalyKinds.MalformedIp, "ip", "IPv4 header length (IHL) below 5 words");
        if (packet.Length < headerLength) return Cut(frame, frame.IsTruncated, AnomalyKinds.MalformedIp, "ip", "frame ends inside the IPv4 options");

        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        if (totalLength == 0) totalLength = packet.Length; // see LengthUnknown
        if (totalLength < headerLength) return Malformed(frame, AnomalyKinds.MalformedIp, "ip", "IPv4 total length shorter than its header");
        if (!TrimToDeclaredLength(frame, ref packet, totalLength, out int missingBytes))
        {
            return Malformed(frame, AnomalyKinds.MalformedIp, "ip", "IPv4 total length exceeds the frame on the wire");
        }
        Counters.IPv4Packets++;

        UInt128 source = BinaryPrimitives.ReadUInt32BigEndian(packet[12..]);
        UInt128 destination = BinaryPrimitives.ReadUInt32BigEndian(packet[16..]);
        byte protocol = packet[9];
        ReadOnlySpan<byte> payload = packet[headerLength..];
        // The header checksum is not verified: captures of locally sent packets carry the placeholder
        // left for checksum offload, and a passive analyzer would rather see the traffic than drop it.

        int flagsAndOffset = BinaryPrimitives.ReadUInt16BigEndian(packet[6..]);
        bool moreFragments = (flagsAndOffset & IPv4MoreFragments) != 0;
        int fragmentOffset = (flagsAndOffset & IPv4FragmentOffsetUnits) * 8;
        if (!moreFragments && fragmentOffset == 0)
        {
            return DecodeTransport(frame, new IpPacket(source, destination, false, protocol, payload, missingBytes), vlanId, out segment);
        }

        if (missingBytes > 0) return Cut(frame, true, AnomalyKinds.MalformedIp, "ip", "fragment cut by the snaplen");
        var key = new FragmentKey(source, destination, BinaryPrimitives.ReadUInt16BigEndian(packet[4..]), protocol, IsIPv6: false);
        if (_fragments.Add(key, fragmentOffset, moreFragments, protocol, payload, frame.TimestampNs, frame.FrameNumber, out ReadOnlySpan<byte> datagram, out _)
            != FragmentOutcome.Completed)
        {
            return DecodeResult.FragmentHeld;
        }
        return DecodeTransport(frame, new IpPacket(source, destination, false, protocol, datagram, 0), vlanId, out segment);
    }

    /// <summary>RFC 8200 §3.</summary>
    private DecodeResult DecodeIPv6(in CaptureFrame frame, ReadOnlySpan<byte> packet, ushort vlanId, out TcpSegment segment)
    {
        segment = default;
        if (packet.Length < IPv6HeaderLength) return Cut(frame, frame.IsTruncated, AnomalyKinds.MalformedIp, "ip", "frame ends inside the IPv6 header");
        if (packet[0] >> 4 != 6) return Malformed(frame, AnomalyKinds.MalformedIp, "ip", "IPv6 header does not carry version 6");

        int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
        int declaredLength = payloadLength == 0 ? packet.Length : IPv6HeaderLength + payloadLength; // see LengthUnknown
        if (!TrimToDeclaredLength(frame, ref packet, declaredLength, out int missingBytes))
        {
            return Malformed(frame, AnomalyKinds.MalformedIp, "ip", "IPv6 payload length exceeds the frame on the wire");
        }
        Counters.IPv6Packets++;

        UInt128 source = BinaryPrimitives.ReadUInt128BigEndian(packet[8..]);
        UInt128 destination = BinaryPrimitives.ReadUInt128BigEndian(packet[24..]);
        return DecodeIPv6Headers(frame, source, destination, packet[6], packet[IPv6HeaderLength..], missingBytes, reassembled: false, vlanId, out segment);
    }

    /// <summary>
    /// Walks the extension header chain (RFC 8200 §4) from <paramref name="nextHeader"/> to the upper layer,
    /// handing fragments to reassembly and continuing in the reassembled payload once complete.
    /// </summary>
    private DecodeResult DecodeIPv6Headers(
        in CaptureFrame frame, UInt128 source, UInt128 destination, byte nextHeader, ReadOnlySpan<byte> data,
        int missingBytes, bool reassembled, ushort vlanId, out TcpSegment segment)
    {
        segment = default;
        int declaredLength = data.Length + missingBytes;
        int offset = 0;
        while (true)
        {
            switch (nextHeader)
            {
                case IPv6HopByHopOptions or IPv6Routing or IPv6DestinationOptions or IPv6AuthenticationHeader:
                {
                    if (data.Length < offset + 2) return ExtensionHeaderCut(frame, declaredLength >= offset + 2);
                    // Options headers count 8-octet units beyond the first (RFC 8200 §4.3); AH counts
                    // 4-octet units minus 2 (RFC 4302 §2.2).
                    int headerLength = nextHeader == IPv6AuthenticationHeader ? (data[offset + 1] + 2) * 4 : (data[offset + 1] + 1) * 8;
                    if (data.Length < offset + headerLength) return ExtensionHeaderCut(frame, declaredLength >= offset + headerLength);
                    nextHeader = data[offset];
                    offset += headerLength;
                    break;
                }
                case IPv6Fragment:
                {
                    if (reassembled) return Malformed(frame, AnomalyKinds.MalformedIp, "ip", "fragment header inside a reassembled IPv6 packet");
                    if (data.Length < offset + IPv6FragmentHeaderLength) return ExtensionHeaderCut(frame, declaredLength >= offset + IPv6FragmentHeaderLength);
                    ReadOnlySpan<byte> fragmentHeader = data.Slice(offset, IPv6FragmentHeaderLength);
                    int offsetAndFlags = BinaryPrimitives.ReadUInt16BigEndian(fragmentHeader[2..]);
                    int fragmentOffset = offsetAndFlags & IPv6FragmentOffsetBytes;
                    bool moreFragments = (offsetAndFlags & IPv6MoreFragments) != 0;
                    nextHeader = fragmentHeader[0];
                    offset += IPv6FragmentHeaderLength;
                    // RFC 6946: an "atomic" fragment (offset 0, no more) is a whole packet; no reassembly.
                    if (fragmentOffset == 0 && !moreFragments) break;

                    if (missingBytes > 0) return Cut(frame, true, AnomalyKinds.MalformedIp, "ip", "fragment cut by the snaplen");
                    var key = new FragmentKey(source, destination, BinaryPrimitives.ReadUInt32BigEndian(fragmentHeader[4..]), 0, IsIPv6: true);
                    if (_fragments.Add(key, fragmentOffset, moreFragments, nextHeader, data[offset..], frame.TimestampNs, frame.FrameNumber,
                            out ReadOnlySpan<byte> datagram, out byte firstNextHeader) != FragmentOutcome.Completed)
                    {
                        return DecodeResult.FragmentHeld;
                    }
                    return DecodeIPv6Headers(frame, source, destination, firstNextHeader, datagram, 0, reassembled: true, vlanId, out segment);
                }
                default:
                    return DecodeTransport(frame, new IpPacket(source, destination, true, nextHeader, data[offset..], missingBytes), vlanId, out segment);
            }
        }
    }

    private DecodeResult DecodeTransport(in CaptureFrame frame, scoped in IpPacket packet, ushort vlanId, out TcpSegment segment)
    {
        segment = default;
        switch (packet.Protocol)
        {
            case ProtocolTcp:
                return DecodeTcp(frame, packet, vlanId, out segment);
            case ProtocolUdp:
                if (packet.Payload.Length < UdpHeaderLength)
                {
                    return Cut(frame, packet.DeclaredPayloadLength >= UdpHeaderLength, AnomalyKinds.MalformedIp, "udp", "UDP header shorter than 8 bytes");
                }
                Counters.UdpDatagrams++;
                return DecodeResult.Udp;
            default:
                Counters.OtherIpPackets++;
                return DecodeResult.OtherIp;
        }
    }

    /// <summary>RFC 9293 §3.1.</summary>
    private DecodeResult DecodeTcp(in CaptureFrame frame, scoped in IpPacket packet, ushort vlanId, out TcpSegment segment)
    {
        segment = default;
        ReadOnlySpan<byte> tcp = packet.Payload;
        if (tcp.Length < TcpMinimumHeaderLength)
        {
            return Cut(frame, packet.DeclaredPayloadLength >= TcpMinimumHeaderLength, AnomalyKinds.MalformedTcp, "tcp", "TCP header shorter than 20 bytes");
        }
        int dataOffset = (tcp[12] >> 4) * 4;
        if (dataOffset < TcpMinimumHeaderLength) return Malformed(frame, AnomalyKinds.MalformedTcp, "tcp", "TCP data offset below 5 words");
        if (tcp.Length < dataOffset)
        {
            return Cut(frame, packet.DeclaredPayloadLength >= dataOffset, AnomalyKinds.MalformedTcp, "tcp", "TCP data offset beyond the segment");
        }

        TcpOptions options = TcpOptionParser.Parse(tcp[TcpMinimumHeaderLength..dataOffset], out bool optionsWellFormed);
        if (!optionsWellFormed)
        {
            Counters.MalformedTcpOptions++;
            _anomalies.Report(AnomalyKinds.MalformedTcp, "tcp", frame.TimestampNs, frame.FrameNumber, "TCP option length inconsistent; the options it hides are ignored");
        }
        if (packet.MissingBytes > 0) Counters.TcpPayloadsCut++;
        Counters.TcpSegments++;

        segment = new TcpSegment(
            new NetworkEndpoint(packet.Source, BinaryPrimitives.ReadUInt16BigEndian(tcp), packet.IsIPv6),
            new NetworkEndpoint(packet.Destination, BinaryPrimitives.ReadUInt16BigEndian(tcp[2..]), packet.IsIPv6),
            vlanId,
            sequenceNumber: BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]),
            acknowledgmentNumber: BinaryPrimitives.ReadUInt32BigEndian(tcp[8..]),
            flags: (TcpFlags)tcp[13],
            window: BinaryPrimitives.ReadUInt16BigEndian(tcp[14..]),
            options,
            payload: tcp[dataOffset..],
            missingPayloadBytes: packet.MissingBytes,
            frame.TimestampNs,
            frame.FrameNumber);
        return DecodeResult.Tcp;
    }

    /// <summary>
    /// Cuts <paramref name="packet"/> to the length its IP header declares, so link padding and trailers
    /// (Ethernet's minimum frame, an 802.11 FCS) never reach TCP. When the capture holds less, the
    /// difference is what the snaplen removed; more than the snaplen removed means the header lies.
    /// <para id="LengthUnknown">
    /// A length of 0 is taken as "unknown" and replaced by what was captured: with TCP segmentation
    /// offload, captures of outgoing packets carry the unsplit super-packet with its length left at 0.
    /// </para>
    /// </summary>
    private static bool TrimToDeclaredLength(in CaptureFrame frame, ref ReadOnlySpan<byte> packet, int declaredLength, out int missingBytes)
    {
        if (declaredLength <= packet.Length)
        {
            packet = packet[..declaredLength];
            missingBytes = 0;
            return true;
        }
        missingBytes = declaredLength - packet.Length;
        return missingBytes <= frame.OriginalLength - frame.Data.Length;
    }

    private DecodeResult ExtensionHeaderCut(in CaptureFrame frame, bool withinDeclaredLength) =>
        Cut(frame, withinDeclaredLength, AnomalyKinds.MalformedIp, "ip", "IPv6 extension header runs past the payload length");

    /// <summary>
    /// A header the decoder needs ends early. If the snaplen explains it, that is a capture limit
    /// (counted, no anomaly: the traffic was fine); otherwise the frame is malformed.
    /// </summary>
    private DecodeResult Cut(in CaptureFrame frame, bool snaplenExplains, string kind, string source, string reason)
    {
        if (!snaplenExplains) return Malformed(frame, kind, source, reason);
        Counters.TruncatedFrames++;
        return DecodeResult.Truncated;
    }

    private DecodeResult Malformed(in CaptureFrame frame, string kind, string source, string reason)
    {
        Counters.DecodeErrors++;
        _anomalies.Report(kind, source, frame.TimestampNs, frame.FrameNumber, reason);
        return DecodeResult.Malformed;
    }

    /// <summary>An IP packet reduced to what the transport decoders need.</summary>
    private readonly ref struct IpPacket(UInt128 source, UInt128 destination, bool isIPv6, byte protocol, ReadOnlySpan<byte> payload, int missingBytes)
    {
        public UInt128 Source { get; } = source;
        public UInt128 Destination { get; } = destination;
        public bool IsIPv6 { get; } = isIPv6;
        public byte Protocol { get; } = protocol;

        /// <summary>The captured part of the upper-layer payload.</summary>
        public ReadOnlySpan<byte> Payload { get; } = payload;

        /// <summary>Payload bytes the IP header declares but the snaplen cut off.</summary>
        public int MissingBytes { get; } = missingBytes;

        public int DeclaredPayloadLength => Payload.Length + MissingBytes;
    }
}
