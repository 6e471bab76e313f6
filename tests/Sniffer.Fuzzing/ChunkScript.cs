using Sniffer.Core.Flows;

namespace Sniffer.Fuzzing;

/// <summary>
/// How a dissector harness reads its input: a sequence of steps, each one control byte then its bytes.
/// Control 0xFE / 0xFF: a gap of (next byte + 1) × 16 bytes from the client / server. Any other control c:
/// (c &gt;&gt; 1) + 1 bytes (1 to 127) from the client when c is even, from the server when odd. A last step may be short.
/// </summary>
public static class ChunkScript
{
    public const int MaxChunkBytes = 127;
    private const byte ClientGap = 0xFE;
    private const byte ServerGap = 0xFF;

    public readonly record struct Step(Direction Direction, ReadOnlyMemory<byte> Bytes, int GapLength);

    public static IEnumerable<Step> Read(byte[] input)
    {
        int at = 0;
        while (at < input.Length)
        {
            byte control = input[at++];
            if (control >= ClientGap)
            {
                Direction gapDirection = control == ClientGap ? Direction.ClientToServer : Direction.ServerToClient;
                int units = at < input.Length ? input[at++] + 1 : 1;
                yield return new Step(gapDirection, ReadOnlyMemory<byte>.Empty, units * 16);
                continue;
            }
            Direction direction = (control & 1) == 0 ? Direction.ClientToServer : Direction.ServerToClient;
            int length = Math.Min((control >> 1) + 1, input.Length - at);
            yield return new Step(direction, input.AsMemory(at, length), 0);
            at += length;
        }
    }

    /// <summary>Writes a conversation (turns in capture order) as a script, each turn cut into chunks of at most 127 bytes.</summary>
    public static byte[] Write(IEnumerable<(Direction Direction, byte[] Bytes)> turns)
    {
        var script = new MemoryStream();
        foreach (var (direction, bytes) in turns)
        {
            for (int offset = 0; offset < bytes.Length; offset += MaxChunkBytes)
            {
                int length = Math.Min(MaxChunkBytes, bytes.Length - offset);
                script.WriteByte((byte)(((length - 1) << 1) | (direction == Direction.ClientToServer ? 0 : 1)));
                script.Write(bytes, offset, length);
            }
        }
        return script.ToArray();
    }
}
