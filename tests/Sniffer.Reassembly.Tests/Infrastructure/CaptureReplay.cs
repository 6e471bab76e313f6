using System.Buffers.Binary;
using Sniffer.Core.Flows;
using Sniffer.Decoding;

namespace Sniffer.Reassembly.Tests.Infrastructure;

/// <summary>
/// Feeds a classic pcap file of Ethernet frames into a reassembler, decoding just enough IPv4/IPv6/TCP to
/// build segments (the project's own decoder is tested elsewhere; this keeps the reassembly tests independent of it).
/// </summary>
internal static class CaptureReplay
{
    /// <summary>True for a little-endian classic pcap of Ethernet frames, the only kind <see cref="Run"/> reads.</summary>
    public static bool IsEthernetPcap(string path)
    {
        Span<byte> header = stackalloc byte[24];
        using FileStream stream = File.OpenRead(path);
        if (stream.ReadAtLeast(header, 24, throwOnEndOfStream: false) < 24) return false;
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(header);
        return magic is 0xA1B2C3D4 or 0xA1B23C4D && BinaryPrimitives.ReadUInt32LittleEndian(header[20..]) == 1;
    }

    public static void Run(string path, TcpReassembler reassembler)
    {
        byte[] file = File.ReadAllBytes(path);
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(file);
        long fractionToNs = magic switch
        {
            0xA1B2C3D4 => 1000,
            0xA1B23C4D => 1,
            _ => throw new InvalidDataException($"{path}: not a little-endian pcap file"),
        };
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(20))); // Ethernet

        long frameNumber = 0, lastNs = 0;
        for (int position = 24; position + 16 <= file.Length;)
        {
            ReadOnlySpan<byte> header = file.AsSpan(position, 16);
            long timestampNs = BinaryPrimitives.ReadUInt32LittleEndian(header) * 1_000_000_000L
                + BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) * fractionToNs;
            int capturedLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
            ReadOnlySpan<byte> frame = file.AsSpan(position + 16, capturedLength);
            position += 16 + capturedLength;
            frameNumber++;
            lastNs = timestampNs;
            ProcessFrame(frame, timestampNs, frameNumber, reassembler);
        }
        reassembler.Complete(lastNs);
    }

    private static void ProcessFrame(ReadOnlySpan<byte> frame, long timestampNs, long frameNumber, TcpReassembler reassembler)
    {
        if (frame.Length < 14) return;
        ushort etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]);
        ReadOnlySpan<byte> ip = frame[14..];
        ushort vlanId = 0;
        // 802.1Q / 802.1ad tags: keep the innermost VLAN id, as the decoder does.
        while (etherType is 0x8100 or 0x88A8 && ip.Length >= 4)
        {
            vlanId = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(ip) & 0x0FFF);
            etherType = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
            ip = ip[4..];
        }
        NetworkEndpoint source, destination;
        int tcpStart, ipPayloadLength;
        if (etherType == 0x0800 && ip.Length >= 20 && ip[9] == 6)
        {
            int headerLength = (ip[0] & 0x0F) * 4;
            ipPayloadLength = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]) - headerLength;
            tcpStart = headerLength;
            if (ip.Length < tcpStart + 20) return;
            source = NetworkEndpoint.FromIPv4(ip.Slice(12, 4), BinaryPrimitives.ReadUInt16BigEndian(ip[tcpStart..]));
            destination = NetworkEndpoint.FromIPv4(ip.Slice(16, 4), BinaryPrimitives.ReadUInt16BigEndian(ip[(tcpStart + 2)..]));
        }
        else if (etherType == 0x86DD && ip.Length >= 40 && ip[6] == 6)
        {
            ipPayloadLength = BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);
            tcpStart = 40;
            if (ip.Length < tcpStart + 20) return;
            source = NetworkEndpoint.FromIPv6(ip.Slice(8, 16), BinaryPrimitives.ReadUInt16BigEndian(ip[tcpStart..]));
            destination = NetworkEndpoint.FromIPv6(ip.Slice(24, 16), BinaryPrimitives.ReadUInt16BigEndian(ip[(tcpStart + 2)..]));
        }
        else return;

        ReadOnlySpan<byte> tcp = ip[tcpStart..];
        int tcpHeaderLength = (tcp[12] >> 4) * 4;
        if (tcpHeaderLength < 20 || tcp.Length < tcpHeaderLength || ipPayloadLength < tcpHeaderLength) return;
        int payloadLength = ipPayloadLength - tcpHeaderLength;
        ReadOnlySpan<byte> payload = tcp[tcpHeaderLength..];
        // Ethernet pads short frames: the IP length, not the frame, says where the payload ends.
        if (payload.Length > payloadLength) payload = payload[..payloadLength];

        var segment = new TcpSegment(source, destination, vlanId,
            BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]), BinaryPrimitives.ReadUInt32BigEndian(tcp[8..]),
            (TcpFlags)tcp[13], BinaryPrimitives.ReadUInt16BigEndian(tcp[14..]), TcpOptions.None,
            payload, payloadLength - payload.Length, timestampNs, frameNumber);
        reassembler.Process(segment);
    }
}
