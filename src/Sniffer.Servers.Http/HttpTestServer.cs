using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sniffer.Servers.Http.Content;

namespace Sniffer.Servers.Http;

/// <summary>
/// The built-in HTTP/1.1 test server (Kestrel): a site at <see cref="TestSite.SiteHost"/> whose page references static
/// objects with validators, and a tracker at <see cref="TestSite.TrackerHost"/>. Plain HTTP/1.1 only, so every byte of
/// it can be captured and dissected. Dispose it to stop it.
/// </summary>
public sealed class HttpTestServer : IAsyncDisposable
{
    /// <summary>How long stopping waits for requests in flight before Kestrel aborts their connections.</summary>
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    private const int MaxConnections = 256;
    private const long MaxRequestBodyBytes = 30 * 1024 * 1024;

    private readonly WebApplication _application;

    private HttpTestServer(WebApplication application, IPEndPoint endPoint)
    {
        _application = application;
        EndPoint = endPoint;
        BaseAddress = new Uri($"http://{endPoint}/");
    }

    /// <summary>The address and port the server listens on (the real port when 0 was asked for).</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary><c>http://127.0.0.1:PORT/</c>: where to connect; name the virtual host in the Host field.</summary>
    public Uri BaseAddress { get; }

    /// <exception cref="ArgumentException">A non-loopback address without <see cref="HttpTestServerOptions.AllowNonLoopback"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A port or page size out of range.</exception>
    /// <exception cref="IOException">The port could not be bound (in use, or not permitted).</exception>
    public static async Task<HttpTestServer> StartAsync(HttpTestServerOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!IPAddress.IsLoopback(options.Bind) && !options.AllowNonLoopback)
        {
            throw new ArgumentException($"{options.Bind} is not a loopback address; set AllowNonLoopback to listen beyond this machine", nameof(options));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(options.Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, IPEndPoint.MaxPort);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PageObjects, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.PageObjects, TestSite.ObjectNames.Count);

        TimeProvider clock = TimeProvider.System;
        var site = new TestSiteApplication(new ObjectCatalog(clock.GetUtcNow()), options.PageObjects, clock);

        // The empty builder brings no configuration sources, no logging providers (so no console noise) and no
        // HTTPS or HTTP/3; UseKestrelCore adds Kestrel alone.
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        // The host would otherwise install ConsoleLifetime, which takes over Ctrl-C and SIGTERM for the whole process;
        // whoever owns this server decides when it stops.
        builder.Services.AddSingleton<IHostLifetime, OwnerControlledLifetime>();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Bounds for a server anyone on loopback can reach: a browser opens six connections per host, a load
            // test a few dozen; an upload of 30 MB is more than any test sends.
            kestrel.Limits.MaxConcurrentConnections = MaxConnections;
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            kestrel.Listen(options.Bind, options.Port, listen => listen.Protocols = HttpProtocols.Http1);
        });
        WebApplication application = builder.Build();
        application.Run(site.HandleAsync);
        try
        {
            await application.StartAsync(ct);
        }
        catch
        {
            await application.DisposeAsync();
            throw;
        }

        string address = application.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new HttpTestServer(application, new IPEndPoint(options.Bind, new Uri(address).Port));
    }

    public async ValueTask DisposeAsync()
    {
        using (var grace = new CancellationTokenSource(StopGrace))
        {
            await _application.StopAsync(grace.Token);
        }
        await _application.DisposeAsync();
    }

    /// <summary>A host lifetime that neither waits for nor reacts to console signals.</summary>
    private sealed class OwnerControlledLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
