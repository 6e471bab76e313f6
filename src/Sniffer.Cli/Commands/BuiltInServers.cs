using System.Net;
using Sniffer.Servers.Http;
using Sniffer.Servers.Mail;

namespace Sniffer.Cli.Commands;

/// <summary>
/// The built-in servers a run needs (generate: those it was not given; demo: all three), on free loopback ports,
/// sharing one mail store, stopped when the run ends.
/// </summary>
internal sealed class BuiltInServers : IAsyncDisposable
{
    private readonly MailStore _store = new();
    private readonly List<IAsyncDisposable> _started = [];

    public async Task<Uri> StartHttpAsync(CancellationToken ct)
    {
        HttpTestServer server = await HttpTestServer.StartAsync(new HttpTestServerOptions(), ct);
        _started.Add(server);
        Console.Error.WriteLine($"Started the built-in HTTP server on {server.EndPoint}");
        return server.BaseAddress;
    }

    public async Task<EndPoint> StartSmtpAsync(CancellationToken ct)
    {
        SmtpTestServer server = await SmtpTestServer.StartAsync(_store, new SmtpTestServerOptions(), ct);
        _started.Add(server);
        Console.Error.WriteLine($"Started the built-in SMTP server on {server.EndPoint}");
        return server.EndPoint;
    }

    public async Task<EndPoint> StartImapAsync(CancellationToken ct)
    {
        ImapTestServer server = await ImapTestServer.StartAsync(_store, new ImapTestServerOptions(), ct);
        _started.Add(server);
        Console.Error.WriteLine($"Started the built-in IMAP server on {server.EndPoint}");
        return server.EndPoint;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (IAsyncDisposable server in Enumerable.Reverse(_started)) await server.DisposeAsync();
    }
}
