using System.Buffers;

namespace Sniffer.Core.IO;

/// <summary>
/// The first <c>cap</c> bytes of one entity that arrives in pieces (an HTTP body, a mail message). One of announced
/// length goes straight into an array of its final size, which <see cref="Detach"/> hands over without copying; any
/// other grows by doubling in pooled arrays and is copied once, into an exact-size array, at the end. Either way no
/// array is resized per packet, and what a record ends up holding is exactly the kept bytes.
/// </summary>
public sealed class KeptBytes
{
    // An announced length is trusted up to this much before any byte arrives: a peer that announces a large body
    // and sends nothing must not make every flow hold the whole cap.
    private const int MaxPresizedBytes = 1024 * 1024;

    private const int MinPooledBytes = 4096;

    private readonly int _cap;
    private readonly int _announced;
    private byte[]? _buffer;
    private bool _pooled;
    private int _count;

    /// <param name="cap">Most bytes kept (<c>DissectorSettings.MaxBodyBytes</c>, <c>MaxMessageBytes</c>).</param>
    /// <param name="announcedLength">The length if known before the first byte (a Content-Length with no content coding).</param>
    public KeptBytes(long cap, long? announcedLength)
    {
        _cap = (int)Math.Clamp(cap, 0, Array.MaxLength);
        _announced = announcedLength is long length && Math.Min(length, _cap) <= MaxPresizedBytes ? (int)Math.Min(length, _cap) : 0;
    }

    public int Count => _count;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _count);

    /// <summary>Keeps what fits under the cap.</summary>
    /// <returns>How many of <paramref name="bytes"/> were kept: all of them until the cap is reached.</returns>
    public int Append(ReadOnlySpan<byte> bytes)
    {
        int take = Math.Min(bytes.Length, _cap - _count);
        if (take <= 0) return 0;
        if (_buffer is null || _buffer.Length - _count < take) Grow(take);
        bytes[..take].CopyTo(_buffer.AsSpan(_count));
        _count += take;
        return take;
    }

    /// <summary>The kept bytes, exactly; the pooled buffer goes back to the pool and this instance is empty again.</summary>
    public byte[] Detach()
    {
        byte[] content = !_pooled && _buffer is not null && _count == _buffer.Length ? _buffer : Written.ToArray();
        Release();
        return content;
    }

    public void Release()
    {
        if (_pooled) ArrayPool<byte>.Shared.Return(_buffer!);
        _buffer = null;
        _pooled = false;
        _count = 0;
    }

    private void Grow(int more)
    {
        int needed = _count + more;
        if (_buffer is null && needed <= _announced)
        {
            _buffer = GC.AllocateUninitializedArray<byte>(_announced);
            return;
        }
        // Unknown or larger than announced: double in the pool, up to the cap.
        int size = (int)Math.Min(_cap, Math.Max(needed, Math.Max(MinPooledBytes, 2L * (_buffer?.Length ?? 0))));
        byte[] grown = ArrayPool<byte>.Shared.Rent(size);
        Written.CopyTo(grown);
        int count = _count;
        Release();
        _buffer = grown;
        _pooled = true;
        _count = count;
    }
}
