using System.Buffers;

namespace Sniffer.Capture.Files;

/// <summary>
/// A sliding window over the capture data: large sequential reads into one pooled buffer, from which
/// decoders take whole records as spans. A span stays valid until the next <see cref="TryEnsure"/>,
/// which may move or replace the buffer.
/// </summary>
internal sealed class CaptureInput : IDisposable
{
    // One read of this size per megabyte of capture keeps system calls (and for .gz the inflater's
    // per-call overhead) negligible next to decoding.
    private const int InitialBufferSize = 1 << 20;

    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _endOfStream;

    public CaptureInput(Stream stream)
    {
        _stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
    }

    /// <summary>Offset in the capture data of the first byte not yet consumed.</summary>
    public long Position { get; private set; }

    /// <summary>Bytes buffered and not yet consumed.</summary>
    public int Available => _end - _start;

    /// <summary>The buffered, unconsumed bytes.</summary>
    public ReadOnlySpan<byte> Window => _buffer.AsSpan(_start, _end - _start);

    /// <summary>
    /// Makes at least <paramref name="count"/> unconsumed bytes available in <see cref="Window"/>; false when the
    /// data ends first (then <see cref="Available"/> says how many there were). Callers bound <paramref name="count"/>.
    /// </summary>
    public bool TryEnsure(int count)
    {
        if (_end - _start >= count) return true;
        if (_endOfStream) return false;

        if (count > _buffer.Length) Grow(count);
        else if (_buffer.Length - _start < count) Compact();

        while (_end - _start < count)
        {
            int read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                _endOfStream = true;
                return false;
            }
            _end += read;
        }
        return true;
    }

    public void Advance(int count)
    {
        _start += count;
        Position += count;
    }

    public void Dispose()
    {
        _stream.Dispose();
        byte[] buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }

    private void Compact()
    {
        Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
        _end -= _start;
        _start = 0;
    }

    // A record larger than the buffer; callers have already checked it against the format's size cap.
    private void Grow(int count)
    {
        byte[] larger = ArrayPool<byte>.Shared.Rent(count);
        Buffer.BlockCopy(_buffer, _start, larger, 0, _end - _start);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
        _end -= _start;
        _start = 0;
    }
}
