using System.IO.Compression;
using Sniffer.Core.IO;

namespace Sniffer.Dissectors.Http.Bodies;

/// <summary>
/// Decodes one content coding (RFC 9110 §8.4.1) from bytes pushed as they arrive. The framework's
/// decompression streams pull from a <see cref="Stream"/>, so the coded bytes are queued in a
/// <see cref="PushInputStream"/> and the decoder is drained after each push: when the queue runs dry the
/// stream reports end-of-input, the decoder returns what it has, and it resumes on the next push.
/// </summary>
internal sealed class ContentDecoder : IDisposable
{
    private readonly string _coding;
    private readonly PushInputStream _input = new();
    private Stream? _decoder;

    private ContentDecoder(string coding) => _coding = coding;

    /// <summary>The codings this dissector decodes; "identity" needs no decoder.</summary>
    public static bool IsSupported(string coding) => coding is "gzip" or "x-gzip" or "deflate" or "br" or "identity";

    /// <summary>A decoder for a supported coding other than "identity", which needs none.</summary>
    public static ContentDecoder Create(string coding) => new(coding);

    /// <summary>
    /// About what one decoder of <paramref name="coding"/> holds while a body streams through it, native state
    /// included: inflate keeps a 32 KB window (RFC 1951 §3.2.6) besides its state and the stream's buffer; brotli a
    /// ring buffer as large as the sender's window, which web servers keep near 512 KB (nginx's brotli_window) and
    /// the format allows up to 16 MB (RFC 7932 §9.1).
    /// </summary>
    public static long StateBytes(string coding) => coding == "br" ? 1024 * 1024 : 48 * 1024;

    /// <summary>Coded bytes queued but not yet taken by the decoder (those after the end of the coded stream stay here).</summary>
    public long PendingInput => _input.Pending;

    public void Push(ReadOnlySpan<byte> coded)
    {
        _input.Append(coded);
        _decoder ??= TryCreateDecoder();
    }

    /// <summary>Reads decoded bytes into <paramref name="output"/>; 0 means more coded bytes are needed (or the coded stream ended).</summary>
    /// <exception cref="InvalidDataException">The coded bytes are corrupt.</exception>
    public int Read(Span<byte> output)
    {
        try
        {
            return _decoder?.Read(output) ?? 0;
        }
        catch (InvalidOperationException brotli) when (_decoder is BrotliStream)
        {
            // BrotliStream says corrupt data with InvalidOperationException ("Decoder ran into invalid data"), where
            // the deflate family throws InvalidDataException: one exception for every coding's corrupt bytes.
            throw new InvalidDataException(brotli.Message, brotli);
        }
    }

    public void Dispose()
    {
        _decoder?.Dispose();
        _input.Dispose();
    }

    private Stream? TryCreateDecoder()
    {
        switch (_coding)
        {
            case "gzip" or "x-gzip":
                return new GZipStream(_input, CompressionMode.Decompress, leaveOpen: true);
            case "br":
                return new BrotliStream(_input, CompressionMode.Decompress, leaveOpen: true);
            default:
                // "deflate" means zlib (RFC 9110 §8.4.1.2), but some servers send raw deflate: the zlib header
                // (RFC 1950 §2.2: CM = 8 and the 16-bit header a multiple of 31) tells them apart.
                if (_input.Pending < 2) return null;
                Span<byte> header = stackalloc byte[2];
                _input.Peek(header);
                bool zlib = (header[0] & 0x0F) == 8 && ((header[0] << 8) | header[1]) % 31 == 0;
                return zlib
                    ? new ZLibStream(_input, CompressionMode.Decompress, leaveOpen: true)
                    : new DeflateStream(_input, CompressionMode.Decompress, leaveOpen: true);
        }
    }

    /// <summary>A read-only stream over bytes appended by the producer; reading past them returns 0 without ending it.</summary>
    private sealed class PushInputStream : ReadOnlyPullStream
    {
        private byte[] _buffer = [];
        private int _start;
        private int _end;

        public long Pending => _end - _start;

        public void Append(ReadOnlySpan<byte> bytes)
        {
            if (_buffer.Length - _end < bytes.Length)
            {
                int pending = _end - _start;
                if (_buffer.Length < pending + bytes.Length)
                {
                    var grown = new byte[Math.Max(pending + bytes.Length, _buffer.Length * 2)];
                    _buffer.AsSpan(_start, pending).CopyTo(grown);
                    _buffer = grown;
                }
                else
                {
                    _buffer.AsSpan(_start, pending).CopyTo(_buffer);
                }
                _start = 0;
                _end = pending;
            }
            bytes.CopyTo(_buffer.AsSpan(_end));
            _end += bytes.Length;
        }

        public void Peek(Span<byte> destination) => _buffer.AsSpan(_start, destination.Length).CopyTo(destination);

        public override int Read(Span<byte> buffer)
        {
            int count = Math.Min(buffer.Length, _end - _start);
            _buffer.AsSpan(_start, count).CopyTo(buffer);
            _start += count;
            return count;
        }

    }
}
