using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sniffer.Servers.Http.Tests;

/// <summary>A response as it came off the wire.</summary>
internal sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out string? value) ? value : null;
}

/// <summary>
/// A client that writes requests byte for byte and reads responses as they arrive, for what HttpClient hides:
/// pipelining, HEAD framing, the server closing the connection. Reads are bounded by a receive timeout.
/// </summary>
internal sealed class RawHttpConnection : IDisposable
{
    private const int MaxBuffered = 4 * 1024 * 1024;
    private readonly Socket _socket;
    private byte[] _buffer = new byte[64 * 1024];
    private int _length;

    private RawHttpConnection(Socket socket) => _socket = socket;

    public static RawHttpConnection Open(IPEndPoint server)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 10_000, SendTimeout = 10_000 };
        try
        {
            socket.Connect(server);
            return new RawHttpConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>An HTTP/1.1 request without a body, for the site's host unless a Host field is among <paramref name="fields"/>.</summary>
    public static string Request(string method, string path, params string[] fields)
    {
        var request = new StringBuilder($"{method} {path} HTTP/1.1\r\n");
        if (!fields.Any(field => field.StartsWith("Host:", StringComparison.OrdinalIgnoreCase))) request.Append($"Host: {TestSite.SiteHost}\r\n");
        foreach (string field in fields) request.Append(field).Append("\r\n");
        return request.Append("\r\n").ToString();
    }

    public void Send(string request) => _socket.Send(Encoding.ASCII.GetBytes(request));

    /// <summary>One response framed by Content-Length (none after HEAD, 204 or 304).</summary>
    public RawResponse ReadResponse(bool toHead = false)
    {
        int headerEnd;
        while ((headerEnd = _buffer.AsSpan(0, _length).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (!Fill()) throw new EndOfStreamException("the connection closed inside a response header");
        }
        string[] lines = Encoding.ASCII.GetString(_buffer, 0, headerEnd).Split("\r\n");
        int status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            string name = line[..colon];
            string value = line[(colon + 1)..].Trim();
            headers[name] = headers.TryGetValue(name, out string? earlier) ? $"{earlier}, {value}" : value;
        }
        int bodyLength = toHead || status is 204 or 304 ? 0
            : int.Parse(headers.GetValueOrDefault("Content-Length", "0"), CultureInfo.InvariantCulture);
        int total = headerEnd + 4 + bodyLength;
        while (_length < total)
        {
            if (!Fill()) throw new EndOfStreamException("the connection closed inside a response body");
        }
        byte[] body = _buffer.AsSpan(headerEnd + 4, bodyLength).ToArray();
        _buffer.AsSpan(total, _length - total).CopyTo(_buffer);
        _length -= total;
        return new RawResponse(status, headers, body);
    }

    /// <summary>
    /// True when the server has closed its side: nothing more was sent and the next read sees the end of the stream;
    /// false when it sends more or keeps the connection open until the receive timeout.
    /// </summary>
    public bool ServerClosed()
    {
        if (_length > 0) return false;
        try
        {
            return !Fill();
        }
        catch (SocketException error) when (error.SocketErrorCode == SocketError.TimedOut)
        {
            return false;
        }
    }

    /// <summary>Reads what the server has sent so far; false at the end of the stream.</summary>
    private bool Fill()
    {
        if (_length == _buffer.Length)
        {
            if (_buffer.Length >= MaxBuffered) throw new InvalidDataException("response larger than the test client buffers");
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        int read = _socket.Receive(_buffer, _length, _buffer.Length - _length, SocketFlags.None);
        _length += read;
        return read > 0;
    }

    public void Dispose() => _socket.Dispose();
}
