using System.Net;
using System.Net.Sockets;
using Sniffer.Generator.Http;
using Sniffer.Generator.Mail;

namespace Sniffer.Generator;

/// <summary>
/// Drives real clients (HttpClient, MailKit's SmtpClient and ImapClient) through the scenarios against the servers
/// given, and returns the log of what it put on the wire. Deterministic for a seed, bounded by the count, the
/// duration and a timeout on every request.
/// </summary>
public sealed class TrafficGenerator
{
    private TrafficGenerator() { }

    /// <summary>
    /// Runs the scenarios <see cref="GeneratorOptions.Count"/> times (or until <see cref="GeneratorOptions.Duration"/>).
    /// A server that fails or does not answer is logged in <see cref="GeneratorLog.Errors"/> and the run goes on with
    /// the next scenario. Stopping through <paramref name="ct"/> or the duration returns the log of what was done.
    /// </summary>
    /// <exception cref="ArgumentException">The options name an unknown scenario, or a scenario's server is missing.</exception>
    public static async Task<GeneratorLog> RunAsync(GeneratorOptions options, CancellationToken ct)
    {
        IReadOnlyList<string> scenarios = Scenario.Resolve(options.Scenarios);
        Validate(options, scenarios);
        bool usesHttp = scenarios.Any(Scenario.UsesHttp);
        bool usesMail = scenarios.Any(scenario => !Scenario.UsesHttp(scenario));
        var servers = new ServerEndPoints(usesHttp ? HttpEndPoint(options.Http!) : null, usesMail ? options.Smtp : null, scenarios.Contains(Scenario.Imap) ? options.Imap : null);
        var recorder = new LogRecorder();
        DateTimeOffset startedAt = DateTimeOffset.UtcNow;

        using var run = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (options.Duration is { } duration) run.CancelAfter(duration);
        int repetitions = options.Count ?? (options.Duration is null ? 1 : GeneratorOptions.MaxRepetitions);
        int completed = 0;
        string stoppedBy = "count";
        try
        {
            for (int repetition = 1; repetition <= repetitions; repetition++)
            {
                foreach (string scenario in scenarios)
                {
                    var random = new Random(ScenarioSeed(options.Seed, scenario, repetition));
                    await RunScenarioAsync(new ScenarioContext(scenario, repetition, random, options, servers, recorder, run.Token)).ConfigureAwait(false);
                }
                completed++;
            }
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
            stoppedBy = ct.IsCancellationRequested ? "cancelled" : "duration";
        }

        var names = new GeneratorServers(
            servers.Http is null ? null : Describe(servers.Http),
            servers.Smtp is null ? null : Describe(servers.Smtp),
            servers.Imap is null ? null : Describe(servers.Imap));
        return recorder.Build(options, scenarios, completed, stoppedBy, startedAt, DateTimeOffset.UtcNow, names);
    }

    private static async Task RunScenarioAsync(ScenarioContext context)
    {
        try
        {
            Task running = context.Scenario switch
            {
                Scenario.Smtp => MailScenarios.SmtpAsync(context),
                Scenario.Imap => MailScenarios.ImapAsync(context),
                _ => HttpScenarios.RunAsync(context),
            };
            await running.ConfigureAwait(false);
        }
        catch (Exception failure) when (IsServerFailure(failure, context.Cancellation))
        {
            context.Fail(failure is OperationCanceledException
                ? $"no answer within {context.Options.RequestTimeout.TotalSeconds:0.#} s"
                : failure.Message);
        }
    }

    /// <summary>What a server can do to a session: refuse or drop the connection, answer wrongly, refuse a login, not answer in time.</summary>
    private static bool IsServerFailure(Exception failure, CancellationToken run) => failure switch
    {
        OperationCanceledException => !run.IsCancellationRequested,
        _ => failure is IOException or SocketException or HttpRequestException
            or MailKit.CommandException or MailKit.ProtocolException or MailKit.Security.AuthenticationException or MailKit.ServiceNotConnectedException,
    };

    /// <summary>
    /// One random source per scenario and pass, so a scenario's choices do not depend on which other scenarios ran.
    /// (Not <see cref="HashCode"/>: it is randomized per process.)
    /// </summary>
    private static int ScenarioSeed(int seed, string scenario, int repetition)
    {
        int ordinal = Scenario.All.ToList().IndexOf(scenario);
        return unchecked((seed * 1_000_003) + (ordinal * 10_007) + repetition);
    }

    private static void Validate(GeneratorOptions options, IReadOnlyList<string> scenarios)
    {
        if (options.Count is <= 0) throw new ArgumentException("the count must be positive");
        if (options.Duration is { } duration && duration <= TimeSpan.Zero) throw new ArgumentException("the duration must be positive");
        if (options.RequestTimeout <= TimeSpan.Zero) throw new ArgumentException("the request timeout must be positive");
        if (options.MailUsers.Count == 0) throw new ArgumentException("at least one mail user is needed");
        if (scenarios.Any(Scenario.UsesHttp))
        {
            if (options.Http is null) throw new ArgumentException("the HTTP scenarios need an HTTP server address");
            if (!options.Http.IsAbsoluteUri || options.Http.Scheme != Uri.UriSchemeHttp)
                throw new ArgumentException($"the HTTP server must be an http:// URL, not '{options.Http}'");
        }
        if (scenarios.Contains(Scenario.Smtp) && options.Smtp is null) throw new ArgumentException("the smtp scenario needs an SMTP server address");
        if (scenarios.Contains(Scenario.Imap) && (options.Imap is null || options.Smtp is null))
            throw new ArgumentException("the imap scenario needs an IMAP server address and an SMTP server to deliver a mail during IDLE");
    }

    private static EndPoint HttpEndPoint(Uri http) =>
        http.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
            ? new IPEndPoint(IPAddress.Parse(http.DnsSafeHost), http.Port)
            : new DnsEndPoint(http.DnsSafeHost, http.Port);

    private static string Describe(EndPoint endPoint) => endPoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endPoint.ToString() ?? "",
    };
}
