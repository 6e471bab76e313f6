using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sniffer.Servers.Mail.Tests;

/// <summary>A bare TCP client for tests that need exact control of the bytes on the wire.</summary>
internal sealed class WireClient : IAsyncDisposable
{
    private static readonly TimeSpan ReadLimit = TimeSpan.FromSeconds(20);
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly List<byte> _pending = [];

    private WireClient(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<WireClient> ConnectAsync(IPEndPoint endPoint)
    {
        var client = new TcpClient(endPoint.AddressFamily);
        await client.ConnectAsync(endPoint);
        return new WireClient(client);
    }

    public Task SendAsync(string text) => SendAsync(Encoding.Latin1.GetBytes(text));

    public async Task SendAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>The next line without its CRLF; null when the server closed the connection.</summary>
    public async Task<string?> ReadLineAsync()
    {
        using var timeout = new CancellationTokenSource(ReadLimit);
        while (true)
        {
            int newline = _pending.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                string line = Encoding.Latin1.GetString(_pending.GetRange(0, newline + 1).ToArray()).TrimEnd('\r', '\n');
                _pending.RemoveRange(0, newline + 1);
                return line;
            }
            if (!await FillAsync(timeout.Token)) return null;
        }
    }

    /// <summary>Exactly <paramref name="count"/> bytes (a literal's data).</summary>
    public async Task<byte[]> ReadBytesAsync(int count)
    {
        using var timeout = new CancellationTokenSource(ReadLimit);
        while (_pending.Count < count)
        {
            if (!await FillAsync(timeout.Token)) throw new EndOfStreamException("The server closed the connection inside a literal.");
        }
        byte[] bytes = _pending.GetRange(0, count).ToArray();
        _pending.RemoveRange(0, count);
        return bytes;
    }

    /// <summary>Reads lines until one starts with <paramref name="prefix"/>; returns every line read, that one last.</summary>
    public async Task<List<string>> ReadUntilAsync(string prefix)
    {
        var lines = new List<string>();
        while (true)
        {
            string line = await ReadLineAsync() ?? throw new EndOfStreamException($"Closed before a line starting '{prefix}'; got: {string.Join(" | ", lines)}");
            lines.Add(line);
            if (line.StartsWith(prefix, StringComparison.Ordinal)) return lines;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
    }

    private async Task<bool> FillAsync(CancellationToken ct)
    {
        var buffer = new byte[8192];
        int read = await _stream.ReadAsync(buffer, ct);
        if (read == 0) return false;
        _pending.AddRange(buffer.AsSpan(0, read));
        return true;
    }
}
