namespace Sniffer.Core.IO;

/// <summary>
/// A forward-only, read-only stream over bytes pushed in by a dissector, so that pull-style decoders
/// (DeflateStream, BrotliStream, GZipStream) can be fed packet by packet. Subclasses supply only the read.
/// </summary>
public abstract class ReadOnlyPullStream : Stream
{
    public abstract override int Read(Span<byte> buffer);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
