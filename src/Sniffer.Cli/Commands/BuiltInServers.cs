using System.Net;
using System.Net.Sockets;
using Sniffer.Servers.Http;
using Sniffer.Servers.Mail;

namespace Sniffer.Cli.Commands;

/// <summary>Where the built-in servers listen: loopback on free ports unless the user says otherwise (serve).</summary>
internal sealed record ServerPlacement
{
    public IPAddress Bind { get; init; } = IPAddress.Loopback;

    public int HttpPort { get; init; }

    public int SmtpPort { get; init; }

    public int ImapPort { get; init; }

    public int PageObjects { get; init; } = new HttpTestServerOptions().PageObjects;

    public bool BeyondLoopback => !IPAddress.IsLoopback(Bind);
}

/// <summary>
/// The built-in servers a command runs (serve: all three where the user says; generate: those it was not given;
/// demo: all three), sharing one mail store so a mail sent over SMTP can be fetched over IMAP, stopped in reverse
/// order when disposed. A port that cannot be bound is the user's to fix, so it becomes one clear line.
/// </summary>
internal sealed class BuiltInServers(ServerPlacement? placement = null) : IAsyncDisposable
{
    private readonly ServerPlacement _placement = placement ?? new ServerPlacement();
    private readonly List<IAsyncDisposable> _started = [];

    public MailStore Mail { get; } = new();

    /// <summary>Each started server's protocol and address, in start order.</summary>
    public List<(string Protocol, IPEndPoint EndPoint)> Listening { get; } = [];

    /// <summary>One line per started server, for commands whose standard output carries something else.</summary>
    public void AnnounceStarted(TextWriter writer)
    {
        foreach (var (protocol, endPoint) in Listening) writer.WriteLine($"Started the built-in {protocol.ToUpperInvariant()} server on {endPoint}");
    }

    public async Task<Uri> StartHttpAsync(CancellationToken ct)
    {
        HttpTestServer server = await StartAsync("http", _placement.HttpPort, port => HttpTestServer.StartAsync(new HttpTestServerOptions
        {
            Bind = _placement.Bind,
            Port = port,
            PageObjects = _placement.PageObjects,
            AllowNonLoopback = _placement.BeyondLoopback,
        }, ct), s => s.EndPoint);
        return server.BaseAddress;
    }

    public async Task<IPEndPoint> StartSmtpAsync(CancellationToken ct) =>
        (await StartAsync("smtp", _placement.SmtpPort, port => SmtpTestServer.StartAsync(Mail, new SmtpTestServerOptions
        {
            Bind = _placement.Bind,
            Port = port,
            AllowNonLoopback = _placement.BeyondLoopback,
        }, ct), s => s.EndPoint)).EndPoint;

    public async Task<IPEndPoint> StartImapAsync(CancellationToken ct) =>
        (await StartAsync("imap", _placement.ImapPort, port => ImapTestServer.StartAsync(Mail, new ImapTestServerOptions
        {
            Bind = _placement.Bind,
            Port = port,
            AllowNonLoopback = _placement.BeyondLoopback,
        }, ct), s => s.EndPoint)).EndPoint;

    public async ValueTask DisposeAsync()
    {
        foreach (IAsyncDisposable server in Enumerable.Reverse(_started)) await server.DisposeAsync();
    }

    private async Task<TServer> StartAsync<TServer>(string protocol, int port, Func<int, Task<TServer>> start, Func<TServer, IPEndPoint> endPoint)
        where TServer : IAsyncDisposable
    {
        TServer server;
        try
        {
            server = await start(port);
        }
        catch (Exception error) when (error is IOException or SocketException)
        {
            string where = port == 0 ? $"{_placement.Bind}" : $"{new IPEndPoint(_placement.Bind, port)}";
            throw new IOException($"cannot listen for {protocol.ToUpperInvariant()} on {where}: {(error.InnerException ?? error).Message}", error);
        }
        _started.Add(server);
        Listening.Add((protocol, endPoint(server)));
        return server;
    }
}
