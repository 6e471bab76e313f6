using Sniffer.Dissectors.Http.Records;
using Sniffer.Storage;

namespace Sniffer.Reports.Har;

/// <summary>
/// HAR pages and each entry's <c>pageref</c>. A capture has no browser to say which request loaded which page,
/// so this is a heuristic, in order:
/// <list type="number">
/// <item>A page is a GET answered 2xx with a text/html body that was asked for as a document: the request says so
/// (<c>Sec-Fetch-Dest: document</c>, or text/html in Accept), or its path names no file type other than a page's
/// (<c>/</c>, <c>/news</c>, <c>.html</c>, <c>.php</c>…) — curl and wget send <c>Accept: */*</c> for everything.</item>
/// <item>An entry whose Referer is the URL of a page seen before it (the latest such page) belongs to that page —
/// the browser sends the document's URL as Referer for the objects it references.</item>
/// <item>Otherwise an entry belongs to the latest page that started before it on the same connection (capture,
/// flow): objects fetched over the document's persistent connection without a Referer (curl, wget -p).</item>
/// <item>Otherwise it has no pageref (HAR 1.2 makes it optional).</item>
/// </list>
/// Pages are kept in memory, at most <see cref="MaxPages"/>; later documents become ordinary entries.
/// </summary>
public sealed class HarPages
{
    public const int MaxPages = 10_000;

    private readonly List<HarPage> _pages = [];
    private readonly Dictionary<string, HarPage> _latestByUrl = new(StringComparer.Ordinal);
    private readonly Dictionary<(int, long), HarPage> _latestByConnection = [];
    private int _next;

    public IReadOnlyList<HarPage> Pages => _pages;

    /// <summary>First pass: notes a page if the exchange loaded one.</summary>
    public void Observe(Stored<HttpTransaction> stored, string url, long startedNs)
    {
        HttpTransaction http = stored.Record;
        if (_pages.Count >= MaxPages || http.Request?.Method != "GET" || http.Response is not { StatusCode: >= 200 and < 300 } response) return;
        if (response.Body?.MediaType != "text/html" || !AskedForDocument(http.Request)) return;
        _pages.Add(new HarPage($"page_{_pages.Count + 1}", url, startedNs, stored.Id, stored.Capture, http.FlowId));
    }

    private static readonly HashSet<string> PageExtensions = new(["", ".html", ".htm", ".xhtml", ".php", ".asp", ".aspx", ".jsp", ".cgi"], StringComparer.OrdinalIgnoreCase);

    private static bool AskedForDocument(HttpRequest request)
    {
        string? Header(string name) => request.Headers.FirstOrDefault(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.Value;
        if (Header("Sec-Fetch-Dest") is { } destination) return destination.Equals("document", StringComparison.OrdinalIgnoreCase);
        if (Header("Accept")?.Contains("text/html", StringComparison.OrdinalIgnoreCase) == true) return true;
        string target = request.Target;
        int end = target.IndexOfAny(['?', '#']);
        string path = end < 0 ? target : target[..end];
        return PageExtensions.Contains(Path.GetExtension(path[(path.LastIndexOf('/') + 1)..]));
    }

    /// <summary>
    /// Second pass, entries in the same order as the first: the page of this entry, or null. Pages become
    /// "seen" as their own entries go by, so a Referer can only name a page that started earlier.
    /// </summary>
    public string? PageOf(Stored<HttpTransaction> stored)
    {
        HttpTransaction http = stored.Record;
        HarPage? own = _pages.Count == 0 ? null : FindOwn(stored.Id);
        if (own is not null)
        {
            _latestByUrl[own.Url] = own;
            _latestByConnection[(own.Capture, own.FlowId)] = own;
            return own.Id;
        }
        if (http.Referer is { } referer && _latestByUrl.TryGetValue(referer, out HarPage? byReferer)) return byReferer.Id;
        return _latestByConnection.TryGetValue((stored.Capture, http.FlowId), out HarPage? byConnection) ? byConnection.Id : null;
    }

    /// <summary>Pages are in entry order, so the next unmatched page is the only candidate.</summary>
    private HarPage? FindOwn(long entryId)
    {
        if (_next < _pages.Count && _pages[_next].EntryId == entryId) return _pages[_next++];
        return null;
    }
}

public sealed record HarPage(string Id, string Url, long StartedNs, long EntryId, int Capture, long FlowId);
