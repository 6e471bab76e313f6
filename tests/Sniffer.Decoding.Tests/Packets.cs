using System.Buffers.Binary;
using System.Net;
using Sniffer.Core.Packets;
using Sniffer.Decoding;

namespace Sniffer.Decoding.Tests;

/// <summary>Hand-built headers, byte by byte, so each test states exactly what is on the wire.</summary>
internal static class Packets
{
    public const byte Tcp = 6;
    public const byte Udp = 17;
    public const byte Icmp = 1;
    public const byte IPv6HopByHop = 0;
    public const byte IPv6Routing = 43;
    public const byte IPv6Fragment = 44;
    public const byte IPv6AuthenticationHeader = 51;
    public const byte IPv6DestinationOptions = 60;
    public const ushort EtherTypeIPv4 = 0x0800;
    public const ushort EtherTypeIPv6 = 0x86DD;

    public static readonly IPAddress ClientV4 = IPAddress.Parse("10.0.0.1");
    public static readonly IPAddress ServerV4 = IPAddress.Parse("192.0.2.80");
    public static readonly IPAddress ClientV6 = IPAddress.Parse("2001:db8::1");
    public static readonly IPAddress ServerV6 = IPAddress.Parse("2001:db8:0:1::80");

    public static readonly byte[] HttpRequest = "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"u8.ToArray();

    /// <summary>NOP, NOP, timestamps 7/9: what Linux puts on every established segment.</summary>
    public static readonly byte[] TimestampOptions = [1, 1, 8, 10, 0, 0, 0, 7, 0, 0, 0, 9];

    /// <summary>A SYN's options: MSS 1460, SACK permitted, timestamps, NOP, window scale 7.</summary>
    public static readonly byte[] SynOptions = [2, 4, 0x05, 0xB4, 4, 2, 8, 10, 0, 0, 0x12, 0x34, 0, 0, 0, 0, 1, 3, 3, 7];

    public static byte[] TcpHeader(
        ushort sourcePort = 40000, ushort destinationPort = 80, uint sequence = 1000, uint acknowledgment = 2000,
        TcpFlags flags = TcpFlags.Psh | TcpFlags.Ack, ushort window = 512, byte[]? options = null, byte[]? payload = null)
    {
        options ??= TimestampOptions;
        payload ??= HttpRequest;
        if (options.Length % 4 != 0) throw new ArgumentException("TCP options must fill whole words", nameof(options));
        int headerLength = 20 + options.Length;
        var segment = new byte[headerLength + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(segment, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(segment.AsSpan(4), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(segment.AsSpan(8), acknowledgment);
        segment[12] = (byte)(headerLength / 4 << 4);
        segment[13] = (byte)flags;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(14), window);
        options.CopyTo(segment, 20);
        payload.CopyTo(segment, headerLength);
        return segment;
    }

    public static byte[] UdpHeader(ushort sourcePort, ushort destinationPort, byte[] payload)
    {
        var datagram = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(datagram, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(4), (ushort)datagram.Length);
        payload.CopyTo(datagram, 8);
        return datagram;
    }

    public static byte[] IPv4(
        byte[] payload, byte protocol = Tcp, IPAddress? source = null, IPAddress? destination = null,
        ushort identification = 0x1234, bool moreFragments = false, int fragmentOffset = 0, byte[]? options = null)
    {
        options ??= [];
        int headerLength = 20 + options.Length;
        var packet = new byte[headerLength + payload.Length];
        packet[0] = (byte)(0x40 | headerLength / 4);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), identification);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), (ushort)((moreFragments ? 0x2000 : 0) | fragmentOffset / 8));
        packet[8] = 64;
        packet[9] = protocol;
        (source ?? ClientV4).GetAddressBytes().CopyTo(packet, 12);
        (destination ?? ServerV4).GetAddressBytes().CopyTo(packet, 16);
        options.CopyTo(packet, 20);
        payload.CopyTo(packet, headerLength);
        return packet;
    }

    /// <summary>An IPv6 packet whose payload starts with the header <paramref name="nextHeader"/> names.</summary>
    public static byte[] IPv6(byte[] payload, byte nextHeader = Tcp, IPAddress? source = null, IPAddress? destination = null)
    {
        var packet = new byte[40 + payload.Length];
        packet[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)payload.Length);
        packet[6] = nextHeader;
        packet[7] = 64;
        (source ?? ClientV6).GetAddressBytes().CopyTo(packet, 8);
        (destination ?? ServerV6).GetAddressBytes().CopyTo(packet, 24);
        payload.CopyTo(packet, 40);
        return packet;
    }

    /// <summary>Hop-by-hop, routing or destination options header: <paramref name="units"/> 8-octet units, PadN-filled.</summary>
    public static byte[] IPv6OptionsHeader(byte nextHeader, int units)
    {
        var header = new byte[8 * units];
        header[0] = nextHeader;
        header[1] = (byte)(units - 1);
        header[2] = 1; // PadN covering the rest
        header[3] = (byte)(header.Length - 4);
        return header;
    }

    public static byte[] IPv6FragmentHeader(byte nextHeader, int fragmentOffset, bool moreFragments, uint identification)
    {
        var header = new byte[8];
        header[0] = nextHeader;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)(fragmentOffset | (moreFragments ? 1 : 0)));
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), identification);
        return header;
    }

    public static byte[] Ethernet(ushort etherType, byte[] payload) =>
        Concat([0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB], Word(etherType), payload);

    /// <summary>A 4-byte 802.1Q-style tag: priority 3, the VLAN id, then the inner EtherType.</summary>
    public static byte[] VlanTag(ushort vlanId, ushort innerEtherType) => Concat(Word((ushort)(0x6000 | vlanId)), Word(innerEtherType));

    public static byte[] MplsLabel(int label, bool bottomOfStack) =>
        [(byte)(label >> 12), (byte)(label >> 4), (byte)((label & 0x0F) << 4 | (bottomOfStack ? 1 : 0)), 64];

    public static byte[] Word(ushort value) => [(byte)(value >> 8), (byte)value];

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(part => part).ToArray();

    public static CaptureFrame Frame(byte[] data, LinkType linkType, long timestampNs = 1_700_000_000_000_000_000, int? originalLength = null, long frameNumber = 1) =>
        new(data, originalLength ?? data.Length, timestampNs, linkType, frameNumber);
}
