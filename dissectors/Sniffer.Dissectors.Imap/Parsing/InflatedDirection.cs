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
    private readonly FeedStream _input = new();
    private readonly DeflateStream _inflater;
    private readonly ArrayBufferWriter<byte> _pending = new();
    private readonly byte[] _chunk = new byte[16 * 1024];
    private int _consumed;
    private long _inflatedOffset;
    private long _timeNs;

    public InflatedDirection() => _inflater = new DeflateStream(_input, CompressionMode.Decompress);

    /// <summary>Inflated bytes not yet consumed.</summary>
    public ReadOnlySequence<byte> Pending => new(_pending.WrittenMemory[_consumed..]);

    /// <summary>Inflates <paramref name="compressed"/>; throws <see cref="InvalidDataException"/> on bytes that are not deflate.</summary>
    public void Add(ReadOnlySequence<byte> compressed, long timeNs)
    {
        _timeNs = timeNs;
        _input.Feed(compressed);
        if (_consumed > 0)
        {
            // Keep only what the tokenizer still needs before growing the buffer.
            byte[] rest = _pending.WrittenSpan[_consumed..].ToArray();
            _pending.ResetWrittenCount();
            _pending.Write(rest);
            _consumed = 0;
        }
        int read;
        while ((read = _inflater.Read(_chunk)) > 0) _pending.Write(_chunk.AsSpan(0, read));
    }

    public void Consume(long count)
    {
        _consumed += (int)count;
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
