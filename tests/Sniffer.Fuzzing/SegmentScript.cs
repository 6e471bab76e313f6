using System.Buffers.Binary;

namespace Sniffer.Fuzzing;

/// <summary>
/// How the reassembler harness reads its input: a sequence of segments, each an 8-byte header then its payload.
/// Header: TCP flags (1), control (1), sequence offset from the sender's initial sequence number (4, big-endian,
/// wrapping), payload length (2, big-endian; cut to what the input still holds). Control bit 0: from the server;
/// bits 1–2: server port (80, 25, 143 or 8080, which only probing binds); bits 3–4: one of four client ports;
/// bits 5–7: seconds of capture time before the segment.
/// </summary>
public static class SegmentScript
{
    public const int HeaderLength = 8;
    public static readonly ushort[] ServerPorts = [80, 25, 143, 8080];
    public const ushort FirstClientPort = 40000;

    public readonly record struct Segment(byte Flags, bool FromServer, int ServerPortIndex, int ClientPortIndex, int SecondsBefore, uint SequenceOffset, ReadOnlyMemory<byte> Payload);

    public static IEnumerable<Segment> Read(byte[] input)
    {
        int at = 0;
        while (input.Length - at >= HeaderLength)
        {
            byte flags = input[at];
            byte control = input[at + 1];
            uint offset = BinaryPrimitives.ReadUInt32BigEndian(input.AsSpan(at + 2));
            int length = Math.Min(BinaryPrimitives.ReadUInt16BigEndian(input.AsSpan(at + 6)), input.Length - at - HeaderLength);
            yield return new Segment(flags, (control & 1) != 0, (control >> 1) & 3, (control >> 3) & 3, control >> 5, offset,
                input.AsMemory(at + HeaderLength, length));
            at += HeaderLength + length;
        }
    }

    public static void Write(Stream script, in Segment segment)
    {
        Span<byte> header = stackalloc byte[HeaderLength];
        header[0] = segment.Flags;
        header[1] = (byte)((segment.FromServer ? 1 : 0) | (segment.ServerPortIndex << 1) | (segment.ClientPortIndex << 3) | (Math.Min(segment.SecondsBefore, 7) << 5));
        BinaryPrimitives.WriteUInt32BigEndian(header[2..], segment.SequenceOffset);
        BinaryPrimitives.WriteUInt16BigEndian(header[6..], (ushort)segment.Payload.Length);
        script.Write(header);
        script.Write(segment.Payload.Span);
    }
}
