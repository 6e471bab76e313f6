using System.Buffers.Binary;
using System.Net;

namespace Sniffer.Core.Flows;

/// <summary>
/// An IP address and port held without allocation: IPv4 addresses sit in the low 32 bits of
/// <see cref="Address"/> (network byte order read as big-endian), IPv6 addresses fill all 128 bits.
/// </summary>
public readonly record struct NetworkEndpoint(UInt128 Address, ushort Port, bool IsIPv6)
{
    public static NetworkEndpoint FromIPv4(ReadOnlySpan<byte> address, ushort port) =>
        new(BinaryPrimitives.ReadUInt32BigEndian(address), port, false);

    public static NetworkEndpoint FromIPv6(ReadOnlySpan<byte> address, ushort port) =>
        new(BinaryPrimitives.ReadUInt128BigEndian(address), port, true);

    public static NetworkEndpoint FromIPEndPoint(IPEndPoint endPoint)
    {
        Span<byte> bytes = stackalloc byte[16];
        endPoint.Address.TryWriteBytes(bytes, out int written);
        return written == 4
            ? FromIPv4(bytes[..4], (ushort)endPoint.Port)
            : FromIPv6(bytes[..16], (ushort)endPoint.Port);
    }

    public IPAddress ToIPAddress()
    {
        Span<byte> bytes = stackalloc byte[16];
        if (IsIPv6)
        {
            BinaryPrimitives.WriteUInt128BigEndian(bytes, Address);
            return new IPAddress(bytes);
        }
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)Address);
        return new IPAddress(bytes[..4]);
    }

    /// <summary>"192.0.2.1:80" or "[2001:db8::1]:80", as Wireshark and curl print them.</summary>
    public override string ToString() =>
        IsIPv6 ? $"[{ToIPAddress()}]:{Port}" : $"{ToIPAddress()}:{Port}";

    public string AddressText => ToIPAddress().ToString();
}
