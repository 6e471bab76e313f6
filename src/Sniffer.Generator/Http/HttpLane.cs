using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Sniffer.Generator.Http;

/// <summary>
/// One HttpClient whose pool keeps at most one connection per host, used for one request at a time. Because of
/// that, the connection a request went on is the one most recently opened for its host, which is how an entry
/// learns its connection and client port: HttpClient does not say which pooled connection served a request.
/// </summary>
/// <remarks>
/// Every connection goes to the configured server whatever host the URL names, so the URLs (and so the Host
/// header and the cookie scope) can use the virtual host names without DNS.
/// </remarks>
internal sealed class HttpLane : IDisposable
{
    private readonly EndPoint _server;
    private readonly LogRecorder _recorder;
    private readonly ConcurrentDictionary<string, OpenedConnection> _latest = new(StringComparer.OrdinalIgnoreCase);

    public HttpLane(EndPoint server, LogRecorder recorder, TimeSpan connectTimeout)
    {
        _server = server;
        _recorder = recorder;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1,
            UseProxy = false,
            // Cookies, redirects and content codings are handled by UserAgent, so the log records the headers exactly as sent and received.
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = connectTimeout,
            ConnectCallback = ConnectAsync,
        };
        Client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public HttpClient Client { get; }

    /// <summary>The connection the last request to <paramref name="host"/> went on (valid once its response has arrived).</summary>
    public OpenedConnection? LatestConnection(string host) => _latest.TryGetValue(host, out var connection) ? connection : null;

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(_server, ct).ConfigureAwait(false);
            int clientPort = ((IPEndPoint)socket.LocalEndPoint!).Port;
            _latest[context.DnsEndPoint.Host] = new OpenedConnection(_recorder.NewConnectionId(), clientPort);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (SocketException error)
        {
            socket.Dispose();
            // HttpClient names the URL's host in its message; the address really tried is the server's.
            throw new IOException($"{error.Message} at {_server}", error);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => Client.Dispose();
}

/// <summary>A TCP connection the generator opened: its run-wide identity and the client's local port.</summary>
internal readonly record struct OpenedConnection(int Id, int ClientPort);
