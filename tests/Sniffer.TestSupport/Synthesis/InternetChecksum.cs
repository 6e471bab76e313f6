using System.Buffers.Binary;
using System.Net;

namespace Sniffer.TestSupport.Synthesis;

/// <summary>The one's-complement Internet checksum (RFC 1071) and the TCP pseudo-header sums (RFC 9293 §3.1, RFC 8200 §8.1).</summary>
public static class InternetChecksum
{
    public static ushort Compute(ReadOnlySpan<byte> data) => Finish(Sum(data, 0));

    public static ushort OfTcp(IPAddress source, IPAddress destination, ReadOnlySpan<byte> segment)
    {
        Span<byte> pseudo = stackalloc byte[40];
        int addressLength = source.TryWriteBytes(pseudo, out int written) ? written : 0;
        destination.TryWriteBytes(pseudo[addressLength..], out _);
        uint sum = Sum(pseudo[..(2 * addressLength)], 0);
        sum += 6u + (uint)segment.Length;
        return Finish(Sum(segment, sum));
    }

    private static uint Sum(ReadOnlySpan<byte> data, uint sum)
    {
        int i = 0;
        for (; i + 1 < data.Length; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if (i < data.Length) sum += (uint)data[i] << 8;
        return sum;
    }

    private static ushort Finish(uint sum)
    {
        while (sum >> 16 != 0) sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }
}
