using Sniffer.Servers.Http;
using Sniffer.Servers.Mail;
using Xunit;

namespace Sniffer.Generator.Tests;

/// <summary>The project's own HTTP, SMTP and IMAP servers on free loopback ports, sharing one mail store; disposing stops them.</summary>
internal sealed class LoopbackServers : IAsyncDisposable
{
    private LoopbackServers(HttpTestServer http, MailStore store, SmtpTestServer smtp, ImapTestServer imap)
    {
        Http = http;
        Store = store;
        Smtp = smtp;
        Imap = imap;
    }

    public HttpTestServer Http { get; }
    public MailStore Store { get; }
    public SmtpTestServer Smtp { get; }
    public ImapTestServer Imap { get; }

    public static async Task<LoopbackServers> StartAsync()
    {
        var store = new MailStore();
        HttpTestServer http = await HttpTestServer.StartAsync(new HttpTestServerOptions());
        SmtpTestServer smtp = await SmtpTestServer.StartAsync(store, new SmtpTestServerOptions());
        ImapTestServer imap = await ImapTestServer.StartAsync(store, new ImapTestServerOptions());
        return new LoopbackServers(http, store, smtp, imap);
    }

    /// <summary>Options aimed at these servers.</summary>
    public GeneratorOptions Options(int seed, params string[] scenarios) => new()
    {
        Scenarios = scenarios,
        Http = Http.BaseAddress,
        Smtp = Smtp.EndPoint,
        Imap = Imap.EndPoint,
        Seed = seed,
    };

    /// <summary>Runs the generator with a bound of its own, so a hung run fails the test instead of hanging it.</summary>
    public static async Task<GeneratorLog> RunAsync(GeneratorOptions options)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        GeneratorLog log = await TrafficGenerator.RunAsync(options, guard.Token);
        Assert.False(guard.IsCancellationRequested, "the generator run did not end within two minutes");
        return log;
    }

    public async ValueTask DisposeAsync()
    {
        await Imap.DisposeAsync();
        await Smtp.DisposeAsync();
        await Http.DisposeAsync();
    }
}
