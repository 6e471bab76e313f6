using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Sniffer.Servers.Mail.Net;

/// <summary>
/// Accepts connections on one endpoint and runs one task per connection, at most <see cref="MailServerOptions.MaxConnections"/>
/// at once; a connection beyond that gets the protocol's busy reply and is closed. Disposing stops accepting, closes
/// every open connection and waits for their tasks.
/// </summary>
internal sealed class ConnectionListener : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly MailServerOptions _options;
    private readonly Func<LineConnection, Task> _serve;
    private readonly string _busyReply;
    private readonly CancellationTokenSource _shutdown;
    private readonly ConcurrentDictionary<Socket, Task> _connections = new();
    private readonly Task _acceptLoop;
    private int _served;

    private ConnectionListener(Socket listener, MailServerOptions options, Func<LineConnection, Task> serve, string busyReply, CancellationToken ct)
    {
        _listener = listener;
        _options = options;
        _serve = serve;
        _busyReply = busyReply;
        _shutdown = CancellationTokenSource.CreateLinkedTokenSource(ct);
        EndPoint = (IPEndPoint)listener.LocalEndPoint!;
        _acceptLoop = AcceptLoopAsync();
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>Binds and starts accepting; <paramref name="busyReply"/> is the line (CRLF included) sent when full.</summary>
    public static ConnectionListener Start(MailServerOptions options, Func<LineConnection, Task> serve, string busyReply, CancellationToken ct)
    {
        options.Validate();
        var listener = new Socket(options.Bind.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(options.Bind, options.Port));
            listener.Listen(backlog: 64);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        return new ConnectionListener(listener, options, serve, busyReply, ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_shutdown.IsCancellationRequested) await _shutdown.CancelAsync();
        _listener.Dispose();
        await _acceptLoop;
        foreach (Socket socket in _connections.Keys) socket.Dispose();
        await Task.WhenAll(_connections.Values);
        _shutdown.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_shutdown.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_shutdown.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return; // stopping
            }
            client.NoDelay = true;
            var connection = new LineConnection(client, _options.IdleTimeout, _shutdown.Token);
            bool serve = Interlocked.Increment(ref _served) <= _options.MaxConnections;
            if (!serve) Interlocked.Decrement(ref _served);
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _connections[client] = serve ? RunAsync(client, connection, started.Task) : RefuseAsync(client, connection, started.Task);
            started.SetResult();
        }
    }

    private async Task RunAsync(Socket client, LineConnection connection, Task registered)
    {
        await registered; // so the task is in the table before it can remove itself
        try
        {
            await _serve(connection);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or TimeoutException)
        {
            // The client went away, stalled, or the server is stopping: the connection simply ends.
        }
        finally
        {
            await connection.DisposeAsync();
            Interlocked.Decrement(ref _served);
            _connections.TryRemove(client, out _);
        }
    }

    private async Task RefuseAsync(Socket client, LineConnection connection, Task registered)
    {
        await registered;
        try
        {
            connection.Write(_busyReply);
            await connection.FlushAsync();
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or TimeoutException)
        {
            // A client that cannot even take the busy reply is closed all the same.
        }
        finally
        {
            await connection.DisposeAsync();
            _connections.TryRemove(client, out _);
        }
    }
}
