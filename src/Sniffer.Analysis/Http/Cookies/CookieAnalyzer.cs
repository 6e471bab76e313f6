using Sniffer.Analysis.Web;

namespace Sniffer.Analysis.Http.Cookies;

/// <summary>
/// Replays every client's cookies in capture order: one jar per client IP address, and the cookie values
/// sent in third-party context, followed across the sites of the pages that sent them.
/// </summary>
/// <remarks>
/// A request is third-party when the site of its Referer (or, without one, its Origin) differs from the site
/// of the host it goes to (<see cref="Sites"/>): the page embedding the object belongs to someone else. A
/// request without either header is taken as first-party, as a typed-in URL is.
/// </remarks>
internal sealed class CookieAnalyzer(HttpAnalysisOptions options)
{
    private readonly Dictionary<string, ClientCookieJar> _jars = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Client, string Name, string Value), TrackedValue> _thirdPartyValues = [];

    /// <summary>Set-Cookie headers a user agent would ignore (public suffix or foreign Domain attribute).</summary>
    public int RejectedSetCookies { get; private set; }

    public void OnRequest(Observed observed)
    {
        Exchange exchange = observed.Exchange;
        if (exchange.Cookies.Count == 0) return;
        string host = observed.HostName;
        string path = CookieRules.RequestPath(exchange.Target ?? "/");
        string requestSite = Sites.Of(host);
        string? referringSite = Sites.OfUrl(exchange.Referer) ?? Sites.OfUrl(exchange.Origin);
        bool thirdParty = referringSite is not null && referringSite != requestSite;

        ClientCookieJar jar = JarOf(observed.Client);
        foreach (var cookie in exchange.Cookies)
        {
            jar.Sent(cookie, host, path, observed.RequestNs, exchange.FlowId, thirdParty);
            if (thirdParty) Follow(observed, cookie.Name, cookie.Value, requestSite, referringSite!);
        }
    }

    public void OnResponse(Observed observed)
    {
        Exchange exchange = observed.Exchange;
        if (exchange.SetCookies.Count == 0) return;
        ClientCookieJar jar = JarOf(observed.Client);
        string path = CookieRules.RequestPath(exchange.Target ?? "/");
        foreach (var cookie in exchange.SetCookies)
        {
            if (!jar.Store(cookie, observed.HostName, path, observed.ResponseNs, exchange.FlowId)) RejectedSetCookies++;
        }
    }

    public IReadOnlyList<CookieJarEntry> Jars(long endNs) =>
        _jars.Values.SelectMany(jar => jar.Entries(endNs))
            .OrderBy(e => e.Client, StringComparer.Ordinal).ThenBy(e => e.Domain, StringComparer.Ordinal)
            .ThenBy(e => e.Path, StringComparer.Ordinal).ThenBy(e => e.Name, StringComparer.Ordinal)
            .ToList();

    public IReadOnlyList<UnseenCookie> Unseen() =>
        _jars.Values.SelectMany(jar => jar.Unseen()).OrderBy(u => u.TimeNs).ThenBy(u => u.Name, StringComparer.Ordinal).ToList();

    /// <summary>Values sent in third-party context from pages of two or more sites, long enough to single out a user.</summary>
    public IReadOnlyList<TrackingIdentifier> TrackingIdentifiers() =>
        _thirdPartyValues
            .Where(pair => pair.Value.ReferringSites.Count >= 2 && pair.Key.Value.Length >= options.MinimumIdentifierLength)
            .Select(pair => new TrackingIdentifier
            {
                FlowId = pair.Value.FirstFlowId,
                TimeNs = pair.Value.FirstNs,
                Client = pair.Key.Client,
                Name = pair.Key.Name,
                Value = pair.Key.Value,
                ReceivingSites = [.. pair.Value.ReceivingSites],
                ReferringSites = [.. pair.Value.ReferringSites],
                ThirdPartySends = pair.Value.Sends,
            })
            .OrderBy(t => t.TimeNs)
            .ToList();

    private void Follow(Observed observed, string name, string value, string requestSite, string referringSite)
    {
        var key = (observed.Client, name, value);
        if (!_thirdPartyValues.TryGetValue(key, out TrackedValue? tracked))
        {
            if (_thirdPartyValues.Count >= options.MaxTrackedValues) return;
            _thirdPartyValues[key] = tracked = new TrackedValue(observed.RequestNs, observed.Exchange.FlowId);
        }
        tracked.ReceivingSites.Add(requestSite);
        tracked.ReferringSites.Add(referringSite);
        tracked.Sends++;
    }

    private ClientCookieJar JarOf(string client)
    {
        if (!_jars.TryGetValue(client, out ClientCookieJar? jar)) _jars[client] = jar = new ClientCookieJar(client, options.MaxCookiesPerClient);
        return jar;
    }

    private sealed class TrackedValue(long firstNs, long firstFlowId)
    {
        public long FirstNs { get; } = firstNs;
        public long FirstFlowId { get; } = firstFlowId;
        public SortedSet<string> ReceivingSites { get; } = new(StringComparer.Ordinal);
        public SortedSet<string> ReferringSites { get; } = new(StringComparer.Ordinal);
        public int Sends { get; set; }
    }
}
