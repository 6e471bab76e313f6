using System.Buffers;
using System.IO.Compression;
using Sniffer.Core.IO;
using Sniffer.Core.Dissection;

namespace Sniffer.Dissectors.Imap.Parsing;

/// <summary>
/// One direction after COMPRESS=DEFLATE (RFC 4978): raw deflate (RFC 1951) that each peer flushes at the end of
/// every command or response (§4), so bytes inflate as they arrive. Holds the inflated bytes the tokenizer has not
/// consumed yet and stamps them with the capture time of the compressed bytes that produced them.
/// </summary>
internal sealed class InflatedDirection : IStreamClock, IDisposable
{
    // RFC 1951 lets a few bytes inflate to about a thousand times as many: inflating a chunk at a time, and reading
    // lines in between, holds one unfinished line plus a chunk however far the input inflates.
    private const int ChunkBytes = 16 * 1024;

    private readonly FeedStream _input = new();
    private readonly DeflateStream _inflater;
    private byte[] _buffer = new byte[2 * ChunkBytes];
    private int _start;
    private int _end;
    private long _inflatedOffset;
    private long _timeNs;

    public InflatedDirection() => _inflater = new DeflateStream(_input, CompressionMode.Decompress);

    /// <summary>About what one direction holds: the inflater's 32 KB window (RFC 1951 §3.2.6) and state, and its buffer.</summary>
    public const long HeldBytes = 48 * 1024 + 2 * ChunkBytes;

    /// <summary>Inflated bytes not yet consumed.</summary>
    public ReadOnlySequence<byte> Pending => new(_buffer, _start, _end - _start);

    /// <summary>Queues <paramref name="compressed"/>, captured at <paramref name="timeNs"/>, for <see cref="InflateMore"/>.</summary>
    public void Add(ReadOnlySequence<byte> compressed, long timeNs)
    {
        _timeNs = timeNs;
        _input.Feed(compressed);
    }

    /// <summary>
    /// Inflates at most one chunk more onto <see cref="Pending"/>; false once the queued bytes are used up. Throws
    /// <see cref="InvalidDataException"/> on bytes that are not deflate.
    /// </summary>
    public bool InflateMore()
    {
        if (_start > 0)
        {
            // Keep only what the tokenizer still needs (at most an unfinished line) before inflating more.
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_buffer.Length - _end < ChunkBytes) Array.Resize(ref _buffer, _buffer.Length * 2);
        int read = _inflater.Read(_buffer.AsSpan(_end, ChunkBytes));
        _end += read;
        return read > 0;
    }

    public void Consume(long count)
    {
        _start += (int)count;
        _inflatedOffset += count;
    }

    public long TimeAt(long relativeOffset) => _timeNs;

    public long StreamOffsetOf(long relativeOffset) => _inflatedOffset + relativeOffset;

    public void Dispose() => _inflater.Dispose();

    /// <summary>A stream that hands out what was fed to it and reports "no more for now" (0) when it runs dry.</summary>
    private sealed class FeedStream : ReadOnlyPullStream
    {
        private readonly Queue<byte[]> _chunks = new();
        private int _offset;

        public void Feed(ReadOnlySequence<byte> bytes)
        {
            if (!bytes.IsEmpty) _chunks.Enqueue(bytes.ToArray());
        }

        public override int Read(Span<byte> buffer)
        {
            int written = 0;
            while (written < buffer.Length && _chunks.TryPeek(out byte[]? chunk))
            {
                int take = Math.Min(buffer.Length - written, chunk.Length - _offset);
                chunk.AsSpan(_offset, take).CopyTo(buffer[written..]);
                written += take;
                _offset += take;
                if (_offset == chunk.Length)
                {
                    _chunks.Dequeue();
                    _offset = 0;
                }
            }
            return written;
        }

    }
}
