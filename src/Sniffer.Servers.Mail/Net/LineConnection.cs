using System.Buffers;
using System.Net.Sockets;
using System.Text;

namespace Sniffer.Servers.Mail.Net;

/// <summary>How a line read ended.</summary>
internal enum LineStatus { Complete, TooLong, Closed }

/// <summary>One line as received, its terminator (LF or CRLF) included; empty unless <see cref="Status"/> is Complete.</summary>
internal readonly record struct ReceivedLine(LineStatus Status, byte[] Bytes)
{
    public bool EndsWithCrLf => Bytes.Length >= 2 && Bytes[^2] == (byte)'\r' && Bytes[^1] == (byte)'\n';

    /// <summary>The line without its terminator, as ASCII-compatible text (8-bit bytes map to U+0080–U+00FF).</summary>
    public string Text => Encoding.Latin1.GetString(Bytes, 0, Bytes.Length - TerminatorLength);

    public int TerminatorLength => EndsWithCrLf ? 2 : Bytes.Length > 0 && Bytes[^1] == (byte)'\n' ? 1 : 0;
}

/// <summary>
/// One client connection: reads lines and counted byte runs out of a buffer (so pipelined commands are read in order
/// and the session can tell whether more input is already waiting) and collects replies until flushed. Every read and
/// write is bounded by the idle timeout; a timeout surfaces as <see cref="TimeoutException"/>.
/// </summary>
internal sealed class LineConnection : IAsyncDisposable
{
    private const int InitialBufferSize = 16 * 1024;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly TimeSpan _idleTimeout;
    private readonly CancellationToken _shutdown;
    private readonly ArrayBufferWriter<byte> _output = new();
    private byte[] _buffer = new byte[InitialBufferSize];
    private int _start;
    private int _end;

    public LineConnection(Socket socket, TimeSpan idleTimeout, CancellationToken shutdown)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _idleTimeout = idleTimeout;
        _shutdown = shutdown;
    }

    /// <summary>
    /// True when a whole line the client sent is already buffered (pipelined commands waiting): replies may wait to go
    /// out together. A partial line does not count, so a client waiting for replies before finishing it is never stalled.
    /// </summary>
    public bool HasBufferedLine => Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start) >= 0;

    /// <summary>
    /// Reads up to the next LF. A line longer than <paramref name="maxLength"/> bytes (terminator included) is read to
    /// its end and dropped, so the session can answer it and go on with the next line.
    /// </summary>
    public async ValueTask<ReceivedLine> ReadLineAsync(int maxLength)
    {
        bool discarding = false;
        int scanned = 0;
        while (true)
        {
            int newline = Array.IndexOf(_buffer, (byte)'\n', _start + scanned, _end - _start - scanned);
            if (newline >= 0)
            {
                int length = newline + 1 - _start;
                bool tooLong = discarding || length > maxLength;
                byte[] line = tooLong ? [] : _buffer.AsSpan(_start, length).ToArray();
                _start = newline + 1;
                return new ReceivedLine(tooLong ? LineStatus.TooLong : LineStatus.Complete, line);
            }
            scanned = _end - _start;
            if (scanned >= maxLength)
            {
                // Too long already: forget what was read and keep looking for the end of the line.
                discarding = true;
                _start = _end = 0;
                scanned = 0;
            }
            if (!await FillAsync(maxLength))
                return new ReceivedLine(LineStatus.Closed, []);
        }
    }

    /// <summary>Reads exactly <paramref name="destination"/>.Length bytes (an IMAP literal); false when the client closed first.</summary>
    public async ValueTask<bool> ReadExactlyAsync(Memory<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            if (_end == _start && !await FillAsync(InitialBufferSize)) return false;
            int take = Math.Min(destination.Length, _end - _start);
            _buffer.AsMemory(_start, take).CopyTo(destination);
            _start += take;
            destination = destination[take..];
        }
        return true;
    }

    /// <summary>Bytes queued and not yet sent.</summary>
    public int PendingOutput => _output.WrittenCount;

    /// <summary>Where replies are queued until <see cref="FlushAsync"/>.</summary>
    public IBufferWriter<byte> Output => _output;

    /// <summary>Queues ASCII text for the client.</summary>
    public void Write(string text) => Encoding.Latin1.GetBytes(text, _output);

    /// <summary>Queues bytes for the client as they are.</summary>
    public void Write(ReadOnlySpan<byte> bytes) => _output.Write(bytes);

    /// <summary>Sends what was queued.</summary>
    public async ValueTask FlushAsync()
    {
        if (_output.WrittenCount == 0) return;
        using CancellationTokenSource timeout = StartTimeout();
        try
        {
            await _stream.WriteAsync(_output.WrittenMemory, timeout.Token);
        }
        catch (OperationCanceledException) when (!_shutdown.IsCancellationRequested)
        {
            throw new TimeoutException("The client did not read the reply in time.");
        }
        _output.ResetWrittenCount();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already reset by the client or closed by a stopping server; nothing left to say.
        }
        await _stream.DisposeAsync();
        _socket.Dispose();
    }

    /// <summary>Makes room for and reads more input, keeping unread bytes; the buffer grows up to <paramref name="wanted"/> bytes.</summary>
    private async ValueTask<bool> FillAsync(int wanted)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length + 1, Math.Min(_buffer.Length * 2, wanted + 1)));
        using CancellationTokenSource timeout = StartTimeout();
        int read;
        try
        {
            read = await _stream.ReadAsync(_buffer.AsMemory(_end), timeout.Token);
        }
        catch (OperationCanceledException) when (!_shutdown.IsCancellationRequested)
        {
            throw new TimeoutException("The client was idle too long.");
        }
        catch (IOException)
        {
            return false; // reset by the client
        }
        _end += read;
        return read > 0;
    }

    private CancellationTokenSource StartTimeout()
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(_shutdown);
        timeout.CancelAfter(_idleTimeout);
        return timeout;
    }
}
