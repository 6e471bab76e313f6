using System.Buffers.Binary;
using Sniffer.Core.Packets;

namespace Sniffer.Decoding;

/// <summary>Where the link layer says the network layer starts, or why it cannot.</summary>
internal enum LinkOutcome
{
    IPv4,
    IPv6,
    NonIp,
    /// <summary>The frame ends inside a link header; truncation or malformation depending on the snaplen.</summary>
    HeaderCut,
    Malformed,
    UnknownLinkType,
}

/// <summary>
/// Finds the IP packet inside a frame of any supported link type. Pure functions over the frame's bytes:
/// the decoder owns the counting and the reporting.
/// </summary>
internal static class LinkLayer
{
    private const int EthernetHeaderLength = 14;
    private const int SllHeaderLength = 16;
    private const int Sll2HeaderLength = 20;
    private const int NullHeaderLength = 4;
    private const int NflogHeaderLength = 4;
    private const int NflogTlvHeaderLength = 4;
    private const int RadiotapMinimumLength = 8;
    private const int Ieee80211DataHeaderLength = 24;
    private const int LlcSnapHeaderLength = 8;
    private const int VlanTagLength = 4;
    private const int MplsLabelLength = 4;

    private const ushort EtherTypeIPv4 = 0x0800;
    private const ushort EtherTypeIPv6 = 0x86DD;
    private const ushort EtherTypeVlan = 0x8100;        // IEEE 802.1Q customer tag
    private const ushort EtherTypeServiceVlan = 0x88A8; // IEEE 802.1ad service tag (QinQ)
    private const ushort EtherTypeLegacyQinQ = 0x9100;  // pre-802.1ad QinQ, still common on switches
    private const ushort EtherTypeMplsUnicast = 0x8847;
    private const ushort EtherTypeMplsMulticast = 0x8848;

    private const ushort ArphrdNetlink = 824;
    private const ushort NflogTypePayload = 9;           // NFULA_PAYLOAD
    private const ushort NflogTypeMask = 0x7FFF;         // the top bit flags nested attributes

    // BSD address families as the capturing host numbers them: AF_INET is 2 everywhere, AF_INET6 is
    // 24 on NetBSD/OpenBSD, 28 on FreeBSD and 30 on Darwin.
    private const uint AddressFamilyInet = 2;
    private const uint AddressFamilyInet6NetBsd = 24;
    private const uint AddressFamilyInet6FreeBsd = 28;
    private const uint AddressFamilyInet6Darwin = 30;

    public static LinkOutcome Locate(LinkType linkType, ReadOnlySpan<byte> frame, out int networkOffset, out ushort vlanId)
    {
        networkOffset = 0;
        vlanId = 0;
        switch (linkType)
        {
            case LinkType.Ethernet:
                if (frame.Length < EthernetHeaderLength) return LinkOutcome.HeaderCut;
                return FromEtherType(ReadUInt16(frame, 12), frame, EthernetHeaderLength, out networkOffset, ref vlanId);

            case LinkType.LinuxSll:
                // Linux cooked v1: packet type, ARPHRD type, address length, 8 address bytes, protocol.
                if (frame.Length < SllHeaderLength) return LinkOutcome.HeaderCut;
                if (ReadUInt16(frame, 2) == ArphrdNetlink) return LinkOutcome.NonIp;
                return FromEtherType(ReadUInt16(frame, 14), frame, SllHeaderLength, out networkOffset, ref vlanId);

            case LinkType.LinuxSll2:
                // Linux cooked v2: protocol first, then reserved, interface index, ARPHRD type, packet type, address.
                if (frame.Length < Sll2HeaderLength) return LinkOutcome.HeaderCut;
                if (ReadUInt16(frame, 8) == ArphrdNetlink) return LinkOutcome.NonIp;
                return FromEtherType(ReadUInt16(frame, 0), frame, Sll2HeaderLength, out networkOffset, ref vlanId);

            case LinkType.Null:
                if (frame.Length < NullHeaderLength) return LinkOutcome.HeaderCut;
                networkOffset = NullHeaderLength;
                // The family is in the capturing host's byte order, which the file does not record: the
                // values are small, so whichever reading yields a known family is the right one.
                LinkOutcome family = FromAddressFamily(BinaryPrimitives.ReadUInt32LittleEndian(frame));
                return family != LinkOutcome.NonIp ? family : FromAddressFamily(BinaryPrimitives.ReadUInt32BigEndian(frame));

            case LinkType.Loop:
                if (frame.Length < NullHeaderLength) return LinkOutcome.HeaderCut;
                networkOffset = NullHeaderLength;
                return FromAddressFamily(BinaryPrimitives.ReadUInt32BigEndian(frame));

            case LinkType.Raw or LinkType.RawBsd12 or LinkType.RawBsd14:
                return FromVersionNibble(frame, 0, LinkOutcome.Malformed, out networkOffset);

            // The IP decoders check the version themselves and report a mismatch as malformed IP.
            case LinkType.Ipv4:
                return LinkOutcome.IPv4;

            case LinkType.Ipv6:
                return LinkOutcome.IPv6;

            case LinkType.Nflog:
                return FromNflog(frame, out networkOffset);

            case LinkType.Ieee80211Radiotap:
                return FromRadiotap(frame, out networkOffset, ref vlanId);

            default:
                return LinkOutcome.UnknownLinkType;
        }
    }

    /// <summary>
    /// Follows an EtherType through VLAN tags and MPLS labels to IP. The innermost VLAN id wins, as it is
    /// the one that scopes the addresses. Values up to 1500 are an 802.3 length, not a type: such frames
    /// carry LLC, which is not IP for our purposes.
    /// </summary>
    private static LinkOutcome FromEtherType(ushort etherType, ReadOnlySpan<byte> frame, int offset, out int networkOffset, ref ushort vlanId)
    {
        networkOffset = offset;
        while (true)
        {
            switch (etherType)
            {
                case EtherTypeIPv4:
                    networkOffset = offset;
                    return LinkOutcome.IPv4;
                case EtherTypeIPv6:
                    networkOffset = offset;
                    return LinkOutcome.IPv6;
                case EtherTypeVlan or EtherTypeServiceVlan or EtherTypeLegacyQinQ:
                    if (frame.Length < offset + VlanTagLength) return LinkOutcome.HeaderCut;
                    vlanId = (ushort)(ReadUInt16(frame, offset) & 0x0FFF);
                    etherType = ReadUInt16(frame, offset + 2);
                    offset += VlanTagLength;
                    break;
                case EtherTypeMplsUnicast or EtherTypeMplsMulticast:
                    return FromMplsStack(frame, offset, out networkOffset);
                default:
                    return LinkOutcome.NonIp;
            }
        }
    }

    /// <summary>
    /// Skips an MPLS label stack (RFC 3032) to its bottom entry. MPLS does not say what it carries; like
    /// Wireshark and Zeek we guess IP from the first nibble, and call anything else (pseudowires) non-IP.
    /// </summary>
    private static LinkOutcome FromMplsStack(ReadOnlySpan<byte> frame, int offset, out int networkOffset)
    {
        networkOffset = offset;
        while (true)
        {
            if (frame.Length < offset + MplsLabelLength) return LinkOutcome.HeaderCut;
            bool bottomOfStack = (frame[offset + 2] & 0x01) != 0;
            offset += MplsLabelLength;
            if (bottomOfStack) return FromVersionNibble(frame, offset, LinkOutcome.NonIp, out networkOffset);
        }
    }

    /// <summary>Raw IP links say "IP" without saying which; the first nibble of the packet does.</summary>
    private static LinkOutcome FromVersionNibble(ReadOnlySpan<byte> frame, int offset, LinkOutcome otherwise, out int networkOffset)
    {
        networkOffset = offset;
        if (frame.Length <= offset) return LinkOutcome.HeaderCut;
        return (frame[offset] >> 4) switch
        {
            4 => LinkOutcome.IPv4,
            6 => LinkOutcome.IPv6,
            _ => otherwise,
        };
    }

    private static LinkOutcome FromAddressFamily(uint family) => family switch
    {
        AddressFamilyInet => LinkOutcome.IPv4,
        AddressFamilyInet6NetBsd or AddressFamilyInet6FreeBsd or AddressFamilyInet6Darwin => LinkOutcome.IPv6,
        _ => LinkOutcome.NonIp,
    };

    /// <summary>
    /// NFLOG: a 4-byte header (family, version, resource id) then TLVs whose length and type are in the
    /// capturing host's byte order, each padded to 4 bytes; the packet is the NFULA_PAYLOAD TLV.
    /// </summary>
    private static LinkOutcome FromNflog(ReadOnlySpan<byte> frame, out int networkOffset)
    {
        networkOffset = 0;
        int offset = NflogHeaderLength;
        if (frame.Length < offset + NflogTlvHeaderLength) return LinkOutcome.HeaderCut;
        bool littleEndian = IsLittleEndianNflogTlv(frame.Slice(offset, NflogTlvHeaderLength));
        while (frame.Length >= offset + NflogTlvHeaderLength)
        {
            ReadOnlySpan<byte> tlv = frame[offset..];
            int length = littleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(tlv) : BinaryPrimitives.ReadUInt16BigEndian(tlv);
            int type = (littleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(tlv[2..]) : BinaryPrimitives.ReadUInt16BigEndian(tlv[2..])) & NflogTypeMask;
            if (length < NflogTlvHeaderLength) return LinkOutcome.Malformed;
            if (type == NflogTypePayload) return FromVersionNibble(frame, offset + NflogTlvHeaderLength, LinkOutcome.Malformed, out networkOffset);
            offset += (length + 3) & ~3;
        }
        // No payload TLV in what was captured: either the snaplen cut it or the log entry had none.
        return offset < frame.Length ? LinkOutcome.HeaderCut : LinkOutcome.NonIp;
    }

    /// <summary>
    /// The file does not record the logging host's byte order. TLV types are small numbers, so the byte
    /// that is zero (ignoring the nested-attribute bit) tells which end is the high one; ties go to
    /// little-endian, the order of nearly every host that writes these captures.
    /// </summary>
    private static bool IsLittleEndianNflogTlv(ReadOnlySpan<byte> tlvHeader)
    {
        bool lowAddressByteZero = (tlvHeader[2] & 0x7F) == 0;
        bool highAddressByteZero = (tlvHeader[3] & 0x7F) == 0;
        return !(lowAddressByteZero && !highAddressByteZero);
    }

    /// <summary>
    /// Radiotap (its own length field says where the 802.11 frame starts), then an 802.11 data frame,
    /// then LLC/SNAP (RFC 1042) carrying an EtherType. Management, control, null-data, protected and
    /// A-MSDU frames are not IP we can read. A trailing FCS needs no care: IP's own length trims it.
    /// </summary>
    private static LinkOutcome FromRadiotap(ReadOnlySpan<byte> frame, out int networkOffset, ref ushort vlanId)
    {
        networkOffset = 0;
        if (frame.Length < RadiotapMinimumLength) return LinkOutcome.HeaderCut;
        int radiotapLength = BinaryPrimitives.ReadUInt16LittleEndian(frame[2..]);
        if (frame[0] != 0 || radiotapLength < RadiotapMinimumLength) return LinkOutcome.Malformed;
        if (frame.Length < radiotapLength + 2) return LinkOutcome.HeaderCut;

        int offset = radiotapLength;
        byte frameControl = frame[offset];
        byte frameFlags = frame[offset + 1];
        int type = (frameControl >> 2) & 0x03;
        int subtype = frameControl >> 4;
        const int DataFrame = 2;
        const int SubtypeNoData = 0x4, SubtypeQos = 0x8;
        const byte ToDs = 0x01, FromDs = 0x02, Protected = 0x40, Order = 0x80;
        if (type != DataFrame || (subtype & SubtypeNoData) != 0 || (frameFlags & Protected) != 0) return LinkOutcome.NonIp;

        bool fourAddresses = (frameFlags & (ToDs | FromDs)) == (ToDs | FromDs); // WDS: a fourth address
        int headerLength = Ieee80211DataHeaderLength + (fourAddresses ? 6 : 0);
        int qosControlOffset = offset + headerLength;
        bool qos = (subtype & SubtypeQos) != 0;
        if (qos) headerLength += 2;
        if (qos && (frameFlags & Order) != 0) headerLength += 4; // HT control field (802.11n)
        if (frame.Length < offset + headerLength + LlcSnapHeaderLength) return LinkOutcome.HeaderCut;
        const byte AmsduPresent = 0x80;
        if (qos && (frame[qosControlOffset] & AmsduPresent) != 0) return LinkOutcome.NonIp;

        offset += headerLength;
        ReadOnlySpan<byte> llc = frame.Slice(offset, LlcSnapHeaderLength);
        // DSAP/SSAP 0xAA, UI control, then an OUI of 00-00-00 (RFC 1042) or 00-00-F8 (802.1H bridge tunnel):
        // only those two make the next field an EtherType.
        bool snapWithEtherType = llc[0] == 0xAA && llc[1] == 0xAA && llc[2] == 0x03 && llc[3] == 0 && llc[4] == 0 && llc[5] is 0x00 or 0xF8;
        if (!snapWithEtherType) return LinkOutcome.NonIp;
        return FromEtherType(ReadUInt16(llc, 6), frame, offset + LlcSnapHeaderLength, out networkOffset, ref vlanId);
    }

    private static ushort ReadUInt16(ReadOnlySpan<byte> frame, int offset) => BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]);
}
