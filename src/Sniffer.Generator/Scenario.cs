namespace Sniffer.Generator;

/// <summary>The scenarios, each one idea of the application-layer chapter, by the names the CLI and the log use.</summary>
public static class Scenario
{
    /// <summary>A page and its objects over one keep-alive connection, then a redirect, a chunked body, error statuses and a server close.</summary>
    public const string Persistent = "persistent";
    /// <summary>The same page load with one TCP connection per request (<c>Connection: close</c>).</summary>
    public const string NonPersistent = "non-persistent";
    /// <summary>Download, revalidate (304), change the object on the server, revalidate again (200 with a new ETag).</summary>
    public const string ConditionalGet = "conditional-get";
    /// <summary>A session cookie from the site and a third-party <c>uid</c> from the tracker, each sent back only to its host.</summary>
    public const string Cookies = "cookies";
    /// <summary>The same resources asked for with gzip, br and no content coding.</summary>
    public const string Compression = "compression";
    /// <summary>A form fetched and posted (urlencoded) and a file uploaded (multipart).</summary>
    public const string Forms = "forms";
    /// <summary>A page load over several parallel keep-alive connections, as a browser does (6 per host).</summary>
    public const string Browser = "browser";
    /// <summary>Mails with attachments to several recipients, one refused, after AUTH PLAIN and AUTH LOGIN.</summary>
    public const string Smtp = "smtp";
    /// <summary>The mails read back: LOGIN, LIST, SELECT, SEARCH, FETCH, STORE, IDLE with a mail arriving, LOGOUT.</summary>
    public const string Imap = "imap";

    /// <summary>Every scenario in the order <c>all</c> runs them (IMAP after SMTP, so it reads back what SMTP sent).</summary>
    public static IReadOnlyList<string> All { get; } =
        [Persistent, NonPersistent, ConditionalGet, Cookies, Compression, Forms, Browser, Smtp, Imap];

    /// <summary>The scenarios that need the HTTP server.</summary>
    public static bool UsesHttp(string scenario) => scenario is not (Smtp or Imap);

    /// <summary>
    /// Names as given, checked, deduplicated and put in <see cref="All"/>'s order (so IMAP always follows SMTP);
    /// empty or <c>all</c> means every scenario.
    /// </summary>
    /// <exception cref="ArgumentException">A name is not a scenario.</exception>
    public static IReadOnlyList<string> Resolve(IEnumerable<string> names)
    {
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in names)
        {
            string normalized = name.Trim().ToLowerInvariant();
            if (normalized == "all") return All;
            if (!All.Contains(normalized))
                throw new ArgumentException($"unknown scenario '{name}'; use one of: all, {string.Join(", ", All)}");
            wanted.Add(normalized);
        }
        return wanted.Count == 0 ? All : [.. All.Where(wanted.Contains)];
    }
}
