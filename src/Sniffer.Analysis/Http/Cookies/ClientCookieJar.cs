using Sniffer.Analysis.Web;
using Sniffer.Dissectors.Http.Records;

namespace Sniffer.Analysis.Http.Cookies;

/// <summary>
/// One client's cookie store, replayed the way a user agent keeps it: Set-Cookie stored by the rules of
/// RFC 6265 §5.3, and each Cookie header the client sent checked against what §5.4 says the store holds
/// for that request.
/// </summary>
internal sealed class ClientCookieJar
{
    private const long NanosecondsPerSecond = 1_000_000_000;

    private readonly string _client;
    private readonly int _capacity;
    private readonly Dictionary<string, List<StoredCookie>> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Host, string Name, string Value), UnseenTally> _unseen = [];
    private int _count;

    public ClientCookieJar(string client, int capacity)
    {
        _client = client;
        _capacity = capacity;
    }

    /// <summary>Stores one Set-Cookie of a response to <paramref name="host"/> (RFC 6265 §5.3). False when a user agent would ignore it.</summary>
    public bool Store(HttpSetCookie cookie, string host, string requestPath, long timeNs, long flowId)
    {
        string domain;
        bool hostOnly;
        if (cookie.Domain is { Length: > 0 } attribute)
        {
            // Step 5: a cookie scoped to a public suffix would reach every site under it; allowed only as a host-only cookie of that very host.
            if (Sites.IsPublicSuffix(attribute))
            {
                if (attribute != host) return false;
                (domain, hostOnly) = (host, true);
            }
            // Step 6: a server may scope a cookie to itself or a parent domain, never to another host.
            else if (!CookieRules.DomainMatches(host, attribute)) return false;
            else (domain, hostOnly) = (attribute, false);
        }
        else (domain, hostOnly) = (host, true);

        // §5.2.4: a Path attribute not starting with '/' is ignored in favour of the default-path.
        string path = cookie.Path is { } given && given.StartsWith('/') ? given : CookieRules.DefaultPath(requestPath);
        long nowSeconds = timeNs / NanosecondsPerSecond;
        // §5.3 step 3: Max-Age wins over Expires; Max-Age ≤ 0 means "already expired" (§5.2.2), which deletes.
        // A huge Max-Age saturates rather than overflows, as §5.2.2 caps it at the latest representable date.
        long? expires = cookie.MaxAgeSeconds is { } maxAge
            ? (maxAge <= 0 ? long.MinValue : nowSeconds + Math.Min(maxAge, long.MaxValue - nowSeconds))
            : cookie.ExpiresUnixSeconds;

        List<StoredCookie> sameName = _byName.TryGetValue(cookie.Name, out List<StoredCookie>? list) ? list : _byName[cookie.Name] = [];
        StoredCookie? old = sameName.Find(c => c.Domain == domain && c.Path == path);
        if (old is not null)
        {
            sameName.Remove(old);
            _count--;
        }
        if (expires is { } expiry && expiry <= nowSeconds) return true; // step 11 removed the old cookie; an expired one is evicted at once

        if (_count >= _capacity) EvictOldest();
        sameName.Add(new StoredCookie
        {
            Name = cookie.Name,
            Value = cookie.Value,
            Domain = domain,
            HostOnly = hostOnly,
            Path = path,
            Secure = cookie.Secure,
            HttpOnly = cookie.HttpOnly,
            SameSite = cookie.SameSite,
            ExpiresUnixSeconds = expires,
            SetBy = host,
            // Step 11.3: an update keeps the creation time of the cookie it replaces.
            CreatedNs = old?.CreatedNs ?? timeNs,
            LastSetNs = timeNs,
            LastSetFlowId = flowId,
            TimesSet = (old?.TimesSet ?? 0) + 1,
            TimesSentBack = old?.TimesSentBack ?? 0,
            ThirdPartySends = old?.ThirdPartySends ?? 0,
        });
        _count++;
        return true;
    }

    /// <summary>
    /// Accounts one name=value of a Cookie header sent to <paramref name="host"/>: sent back when the store holds
    /// it for this request (§5.4 step 1: domain, path and expiry match), unseen otherwise. The secure-only rule
    /// is not applied: every request Sniffer reads is cleartext, and a Secure cookie a client sends over one
    /// is better shown as sent back than as never set.
    /// </summary>
    public void Sent(HttpCookie cookie, string host, string requestPath, long timeNs, long flowId, bool thirdParty)
    {
        long nowSeconds = timeNs / NanosecondsPerSecond;
        StoredCookie? stored = _byName.GetValueOrDefault(cookie.Name)?.Find(c =>
            c.Value == cookie.Value
            && (c.HostOnly ? host == c.Domain : CookieRules.DomainMatches(host, c.Domain))
            && CookieRules.PathMatches(requestPath, c.Path)
            && !c.IsExpiredAt(nowSeconds));
        if (stored is not null)
        {
            stored.TimesSentBack++;
            if (thirdParty) stored.ThirdPartySends++;
            return;
        }

        var key = (host, cookie.Name, cookie.Value);
        if (!_unseen.TryGetValue(key, out UnseenTally? tally))
        {
            // Bounded like the jar itself: past the capacity, new unseen values are no longer listed.
            if (_unseen.Count >= _capacity) return;
            _unseen[key] = tally = new UnseenTally(timeNs, flowId);
        }
        tally.TimesSent++;
        if (thirdParty) tally.ThirdPartySends++;
    }

    /// <summary>The jar as it stands at <paramref name="endNs"/>, expired cookies evicted (§5.3).</summary>
    public IEnumerable<CookieJarEntry> Entries(long endNs)
    {
        long endSeconds = endNs / NanosecondsPerSecond;
        return _byName.Values.SelectMany(list => list)
            .Where(c => !c.IsExpiredAt(endSeconds))
            .Select(c => new CookieJarEntry
            {
                FlowId = c.LastSetFlowId,
                TimeNs = c.CreatedNs,
                Client = _client,
                Name = c.Name,
                Value = c.Value,
                Domain = c.Domain,
                HostOnly = c.HostOnly,
                Path = c.Path,
                Secure = c.Secure,
                HttpOnly = c.HttpOnly,
                SameSite = c.SameSite,
                ExpiresUnixSeconds = c.ExpiresUnixSeconds,
                SetBy = c.SetBy,
                LastSetNs = c.LastSetNs,
                TimesSet = c.TimesSet,
                TimesSentBack = c.TimesSentBack,
                ThirdPartySends = c.ThirdPartySends,
            });
    }

    public IEnumerable<UnseenCookie> Unseen() => _unseen.Select(pair => new UnseenCookie
    {
        FlowId = pair.Value.FirstFlowId,
        TimeNs = pair.Value.FirstNs,
        Client = _client,
        Host = pair.Key.Host,
        Name = pair.Key.Name,
        Value = pair.Key.Value,
        TimesSent = pair.Value.TimesSent,
        ThirdPartySends = pair.Value.ThirdPartySends,
    });

    private void EvictOldest()
    {
        List<StoredCookie> holder = _byName.Values.Where(list => list.Count > 0).MinBy(list => list.Min(c => c.CreatedNs))!;
        holder.Remove(holder.MinBy(c => c.CreatedNs)!);
        _count--;
    }

    private sealed class StoredCookie
    {
        public required string Name { get; init; }
        public required string Value { get; init; }
        public required string Domain { get; init; }
        public bool HostOnly { get; init; }
        public required string Path { get; init; }
        public bool Secure { get; init; }
        public bool HttpOnly { get; init; }
        public string? SameSite { get; init; }
        public long? ExpiresUnixSeconds { get; init; }
        public required string SetBy { get; init; }
        public long CreatedNs { get; init; }
        public long LastSetNs { get; init; }
        public long LastSetFlowId { get; init; }
        public int TimesSet { get; init; }
        public int TimesSentBack { get; set; }
        public int ThirdPartySends { get; set; }

        public bool IsExpiredAt(long unixSeconds) => ExpiresUnixSeconds is { } expiry && expiry <= unixSeconds;
    }

    private sealed class UnseenTally(long firstNs, long firstFlowId)
    {
        public long FirstNs { get; } = firstNs;
        public long FirstFlowId { get; } = firstFlowId;
        public int TimesSent { get; set; }
        public int ThirdPartySends { get; set; }
    }
}
