using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Net;
using Sniffer.Core.Text;
using Sniffer.Generator;

namespace Sniffer.Cli.Commands;

/// <summary>
/// <c>sniffer generate</c>: runs the traffic generator's scenarios against the servers given, or against the
/// built-in ones started for the run on free loopback ports, and writes its log.
/// </summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var scenarioOption = new Option<string[]>("--scenario")
        {
            Description = $"Scenario to run, repeatable or comma-separated: all, {string.Join(", ", Scenario.All)}",
            AllowMultipleArgumentsPerToken = true,
        };
        var httpOption = new Option<Uri?>("--http") { Description = "HTTP server to use, e.g. http://127.0.0.1:8080/ (default: start the built-in one)", CustomParser = ParseHttp };
        var smtpOption = new Option<EndPoint?>("--smtp") { Description = "SMTP server HOST:PORT (default: start the built-in one)", CustomParser = ParseEndPoint };
        var imapOption = new Option<EndPoint?>("--imap") { Description = "IMAP server HOST:PORT (default: start the built-in one)", CustomParser = ParseEndPoint };
        var seedOption = new Option<int>("--seed") { Description = "Seed of every random choice; the same seed makes the same traffic", DefaultValueFactory = _ => 1 };
        var durationOption = new Option<TimeSpan?>("--duration") { Description = "Repeat the scenarios until this long has passed (500ms, 30s, 5m, 1h)", CustomParser = DurationParser.Parse };
        var countOption = new Option<int?>("--count", "-c") { Description = "Run the scenarios this many times (default 1, or until --duration)" };
        var logOption = new Option<FileInfo?>("--log") { Description = "Write the generator log (JSON: every request, mail and fetch) to this file" };
        countOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is <= 0) result.AddError("--count must be positive");
        });

        var command = new Command("generate", "Generate HTTP, SMTP and IMAP traffic with real clients, deterministic for a seed")
        {
            scenarioOption, httpOption, smtpOption, imapOption, seedOption, durationOption, countOption, logOption,
        };
        command.SetAction(parse =>
        {
            IReadOnlyList<string> scenarios = ResolveScenarios(parse.GetValue(scenarioOption) ?? []);
            Uri? http = parse.GetValue(httpOption);
            EndPoint? smtp = parse.GetValue(smtpOption);
            EndPoint? imap = parse.GetValue(imapOption);
            if (scenarios.Contains(Scenario.Imap) && (smtp is null) != (imap is null))
                throw new UsageException("the imap scenario reads back mail the SMTP server delivered: give both --smtp and --imap, or neither");
            FileInfo? logFile = parse.GetValue(logOption);

            using var cancel = new CancellationTokenSource();
            using var signals = new StopSignals(cancel);
            GeneratorLog log = RunAsync(scenarios, http, smtp, imap, parse, seedOption, durationOption, countOption, cancel.Token).GetAwaiter().GetResult();
            if (logFile is not null)
            {
                logFile.Directory?.Create();
                log.Write(logFile.FullName);
            }
            Print(log, logFile);
            return log.Totals.Errors == 0 ? ExitCodes.Success : ExitCodes.Error;
        });
        return command;
    }

    private static async Task<GeneratorLog> RunAsync(IReadOnlyList<string> scenarios, Uri? http, EndPoint? smtp, EndPoint? imap, ParseResult parse,
        Option<int> seedOption, Option<TimeSpan?> durationOption, Option<int?> countOption, CancellationToken ct)
    {
        bool needsHttp = scenarios.Any(Scenario.UsesHttp);
        bool needsSmtp = scenarios.Contains(Scenario.Smtp) || scenarios.Contains(Scenario.Imap);
        bool needsImap = scenarios.Contains(Scenario.Imap);
        await using var servers = new BuiltInServers();
        if (needsHttp && http is null) http = await servers.StartHttpAsync(ct);
        if (needsSmtp && smtp is null) smtp = await servers.StartSmtpAsync(ct);
        if (needsImap && imap is null) imap = await servers.StartImapAsync(ct);
        servers.AnnounceStarted(Console.Error);

        var options = new GeneratorOptions
        {
            Scenarios = scenarios,
            Http = http,
            Smtp = smtp,
            Imap = imap,
            Seed = parse.GetValue(seedOption),
            Duration = parse.GetValue(durationOption),
            Count = parse.GetValue(countOption),
        };
        try
        {
            return await TrafficGenerator.RunAsync(options, ct);
        }
        catch (ArgumentException error)
        {
            throw new UsageException(error.Message);
        }
    }

    private static IReadOnlyList<string> ResolveScenarios(string[] given)
    {
        try
        {
            return Scenario.Resolve(given.SelectMany(value => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
        }
        catch (ArgumentException error)
        {
            throw new UsageException(error.Message);
        }
    }

    /// <summary>One line per scenario, then the errors; server replies in errors are escaped, as they come from the network.</summary>
    private static void Print(GeneratorLog log, FileInfo? logFile)
    {
        foreach (string scenario in log.Scenarios) Console.WriteLine($"{scenario,-16} {DescribeScenario(log, scenario)}");
        Console.WriteLine($"{"total",-16} {Count(log.Totals.HttpRequests, "request")} on {Count(log.Totals.HttpConnections, "connection")}, "
            + $"{Count(log.Totals.Mails, "mail")}, {Count(log.Totals.ImapFetches, "fetch", "fetches")} in {(log.EndedAt - log.StartedAt).TotalSeconds:0.0} s "
            + $"({Count(log.Repetitions, "pass", "passes")} completed, {Ending(log.StoppedBy)}), seed {log.Seed}");
        foreach (HttpRequestEntry entry in log.HttpRequests.Where(entry => entry.Failed))
        {
            string outcome = entry.Error ?? $"status {entry.Status}, expected {entry.ExpectedStatus}";
            Console.Error.WriteLine($"sniffer: {entry.Scenario}: {entry.Method} http://{entry.Host}{SafeText.Escape(entry.Path)}: {SafeText.Escape(outcome)}");
        }
        foreach (MailEntry mail in log.Mails.Where(mail => mail.Error is not null))
            Console.Error.WriteLine($"sniffer: {mail.Scenario}: mail {SafeText.Escape(mail.MessageId)}: {SafeText.Escape(mail.Error!)}");
        foreach (ScenarioError error in log.Errors) Console.Error.WriteLine($"sniffer: {error.Scenario}: {SafeText.Escape(error.Message)}");
        Console.WriteLine(logFile is null ? "Log not written (use --log FILE)" : $"Log:             {logFile.FullName}");
    }

    private static string DescribeScenario(GeneratorLog log, string scenario)
    {
        var requests = log.HttpRequests.Where(entry => entry.Scenario == scenario).ToList();
        if (!Scenario.UsesHttp(scenario))
        {
            var mails = log.Mails.Where(mail => mail.Scenario == scenario).ToList();
            string sent = $"{Count(mails.Count(mail => mail.Error is null), "mail")} sent to {Count(mails.Sum(mail => mail.RecipientsAccepted.Count), "recipient")}, "
                + $"{mails.Sum(mail => mail.RecipientsRefused.Count):N0} refused (AUTH {string.Join(", ", mails.Select(mail => mail.Auth).Distinct())})";
            if (scenario == Scenario.Smtp) return sent;
            var fetches = log.ImapFetches.Where(fetch => fetch.Scenario == scenario).ToList();
            return $"{Count(fetches.Count, "fetch", "fetches")} for {Count(fetches.Select(fetch => fetch.User).Distinct().Count(), "user")}, "
                + $"{fetches.Count(fetch => fetch.ArrivedDuringIdle && fetch.Section == "BODY[]"):N0} announced during IDLE; {sent}";
        }
        int connections = requests.Where(entry => entry.Connection != 0).Select(entry => entry.Connection).Distinct().Count();
        string line = $"{Count(requests.Count, "request")} on {Count(connections, "connection")}";
        int notModified = requests.Count(entry => entry.Status == 304);
        int changed = requests.Count(entry => entry.Status == 200 && (entry.IfNoneMatch ?? entry.IfModifiedSince) is not null);
        if (notModified + changed > 0) line += $", {notModified:N0} × 304, {changed:N0} × 200 after a change";
        var cookiesSent = requests.SelectMany(entry => entry.RequestCookies.Select(name => $"{name}→{entry.Host}")).Distinct().ToList();
        if (scenario == Scenario.Cookies && cookiesSent.Count > 0) line += $", cookies sent: {string.Join(", ", cookiesSent)}";
        var codings = requests.Select(entry => entry.ContentEncoding).OfType<string>().Distinct().ToList();
        if (codings.Count > 0) line += $", content codings: {string.Join(", ", codings)}";
        return line;
    }

    private static string Ending(string stoppedBy) => stoppedBy switch
    {
        "duration" => "stopped at the duration",
        "cancelled" => "interrupted",
        _ => "all done",
    };

    private static string Count(int count, string noun, string? plural = null) =>
        $"{count:N0} {(count == 1 ? noun : plural ?? noun + "s")}";

    private static Uri? ParseHttp(ArgumentResult result)
    {
        string text = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value;
        if (Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) && uri.Scheme == Uri.UriSchemeHttp) return uri;
        result.AddError($"'{text}' is not an http:// URL, e.g. http://127.0.0.1:8080/");
        return null;
    }

    private static EndPoint? ParseEndPoint(ArgumentResult result)
    {
        string text = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value.Trim();
        if (IPEndPoint.TryParse(text, out IPEndPoint? ip) && ip.Port != 0) return ip;
        int colon = text.LastIndexOf(':');
        if (colon > 0 && !text[..colon].Contains(':')
            && int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is > 0 and <= IPEndPoint.MaxPort)
        {
            return new DnsEndPoint(text[..colon], port);
        }
        result.AddError($"'{text}' is not HOST:PORT, e.g. 127.0.0.1:2525");
        return null;
    }
}
