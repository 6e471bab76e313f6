namespace Sniffer.Servers.Http.Content;

/// <summary>
/// A fixed pseudo-random sequence (Steele, Lea and Flood's SplitMix64). The objects' bytes, and so their ETags,
/// must be the same on every run and every runtime; a seeded <see cref="Random"/> does not promise that.
/// </summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    /// <summary>A seed from a name and a version, stable across runs (string.GetHashCode is randomised per process).</summary>
    public static SplitMix64 For(string name, int version)
    {
        // FNV-1a over the UTF-16 code units, then the version mixed in.
        ulong hash = 14695981039346656037;
        foreach (char c in name) hash = (hash ^ c) * 1099511628211;
        return new SplitMix64(hash ^ ((ulong)version * 0x9E3779B97F4A7C15));
    }

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    /// <summary>A number in [0, bound).</summary>
    public int Below(int bound) => (int)(Next() % (ulong)bound);

    public void Fill(Span<byte> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = (byte)Next();
    }
}
