using System.Net;

namespace Sniffer.Generator;

/// <summary>What <see cref="TrafficGenerator"/> runs, against which servers, and for how long.</summary>
public sealed record GeneratorOptions
{
    /// <summary>Scenario names (see <see cref="Scenario.All"/>) in the order to run them; empty means all.</summary>
    public IReadOnlyList<string> Scenarios { get; init; } = [];

    /// <summary>
    /// Where the HTTP server listens (scheme, address and port; the path is ignored). Requests still name the
    /// virtual hosts <see cref="SiteHost"/> and <see cref="TrackerHost"/> in their Host header and URLs, so cookies
    /// are scoped to those names, and every connection goes to this address.
    /// </summary>
    public Uri? Http { get; init; }

    /// <summary>Where the SMTP server listens (<see cref="IPEndPoint"/> or <see cref="DnsEndPoint"/>).</summary>
    public EndPoint? Smtp { get; init; }

    /// <summary>Where the IMAP server listens (<see cref="IPEndPoint"/> or <see cref="DnsEndPoint"/>).</summary>
    public EndPoint? Imap { get; init; }

    /// <summary>Every choice (object order, mail contents, attachment bytes, which object changes) comes from this seed.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The whole run is cancelled after this long; what was done until then is logged.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>How many times the scenario list runs. Without it (and without <see cref="Duration"/>) it runs once.</summary>
    public int? Count { get; init; }

    /// <summary>No request, mail or IMAP command waits longer than this.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The web site's host name (its page and objects).</summary>
    public string SiteHost { get; init; } = "www.sniffer.test";

    /// <summary>The tracker's host name (third-party pixel and cookie).</summary>
    public string TrackerHost { get; init; } = "ads.tracker.test";

    /// <summary>The mail accounts: the first sends the first mails and logs in first; all share <see cref="Password"/>.</summary>
    public IReadOnlyList<string> MailUsers { get; init; } = ["alice@sniffer.test", "bob@sniffer.test", "carol@sniffer.test"];

    /// <summary>Password of every account in <see cref="MailUsers"/>.</summary>
    public string Password { get; init; } = "secret";

    /// <summary>A recipient the SMTP server refuses (550), added to one mail so a refused RCPT is on the wire.</summary>
    public string RefusedRecipient { get; init; } = "nobody@sniffer.test";

    /// <summary>Repetitions when only <see cref="Duration"/> bounds the run, so even a long duration ends.</summary>
    public const int MaxRepetitions = 10_000;
}
