namespace Sniffer.Fuzzing;

/// <summary>
/// A seeded byte-level mutator for in-process campaigns where AFL++ is not at hand: bit flips, interesting values,
/// byte inserts and deletes, block duplication and splicing with another seed, one to four at a time (AFL's havoc stage, simplified).
/// </summary>
public sealed class Mutator(int seed, int maxInputBytes = 64 * 1024)
{
    // Boundary values that break length and offset arithmetic more often than random bytes do.
    private static readonly byte[][] InterestingValues =
    [
        [0x00], [0xFF], [0x7F], [0x80], [0x00, 0x00], [0xFF, 0xFF], [0x7F, 0xFF], [0x80, 0x00],
        [0xFF, 0xFF, 0xFF, 0xFF], [0x7F, 0xFF, 0xFF, 0xFF], [0x00, 0x00, 0x00, 0x00], "\r\n"u8.ToArray(), "{99999999}"u8.ToArray(),
    ];

    private readonly Random _random = new(seed);

    public byte[] Mutate(IReadOnlyList<byte[]> corpus)
    {
        var data = new List<byte>(corpus[_random.Next(corpus.Count)]);
        int rounds = 1 + _random.Next(4);
        for (int i = 0; i < rounds; i++) MutateOnce(data, corpus);
        if (data.Count > maxInputBytes) data.RemoveRange(maxInputBytes, data.Count - maxInputBytes);
        return data.ToArray();
    }

    private void MutateOnce(List<byte> data, IReadOnlyList<byte[]> corpus)
    {
        int position = data.Count == 0 ? 0 : _random.Next(data.Count);
        switch (data.Count == 0 ? 2 : _random.Next(7))
        {
            case 0:
                data[position] ^= (byte)(1 << _random.Next(8));
                break;
            case 1:
                data[position] = (byte)_random.Next(256);
                break;
            case 2:
                data.InsertRange(position, RandomBytes(1 + _random.Next(16)));
                break;
            case 3:
                data.RemoveRange(position, Math.Min(data.Count - position, 1 + _random.Next(16)));
                break;
            case 4:
                byte[] value = InterestingValues[_random.Next(InterestingValues.Length)];
                for (int i = 0; i < value.Length && position + i < data.Count; i++) data[position + i] = value[i];
                break;
            case 5:
                int length = Math.Min(data.Count - position, 1 + _random.Next(64));
                data.InsertRange(_random.Next(data.Count + 1), data.GetRange(position, length));
                break;
            default:
                byte[] other = corpus[_random.Next(corpus.Count)];
                if (other.Length == 0) break;
                int from = _random.Next(other.Length);
                data.RemoveRange(position, data.Count - position);
                data.AddRange(other.AsSpan(from, Math.Min(other.Length - from, maxInputBytes)).ToArray());
                break;
        }
    }

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }
}
