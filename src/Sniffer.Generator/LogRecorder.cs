namespace Sniffer.Generator;

/// <summary>
/// Collects what the scenarios did, from any thread, and builds the <see cref="GeneratorLog"/>. HTTP connections
/// are numbered here by first appearance in the log, so the numbers depend on the seed, not on which of several
/// parallel connections the operating system happened to complete first.
/// </summary>
internal sealed class LogRecorder
{
    private readonly Lock _gate = new();
    private readonly List<HttpRequestEntry> _http = [];
    private readonly List<MailEntry> _mails = [];
    private readonly List<ImapFetchEntry> _fetches = [];
    private readonly List<ScenarioError> _errors = [];
    private long _nextConnectionId;

    /// <summary>A run-wide identity for a new TCP connection; entries carry it until <see cref="Build"/> renumbers them.</summary>
    public int NewConnectionId() => (int)Interlocked.Increment(ref _nextConnectionId);

    public void Add(HttpRequestEntry entry) { lock (_gate) _http.Add(entry); }
    public void Add(MailEntry entry) { lock (_gate) _mails.Add(entry); }
    public void Add(ImapFetchEntry entry) { lock (_gate) _fetches.Add(entry); }
    public void Add(ScenarioError error) { lock (_gate) _errors.Add(error); }

    /// <summary>The Message-IDs of the mails the server accepted so far, for the IMAP scenario to read back.</summary>
    public IReadOnlyList<MailEntry> AcceptedMails()
    {
        lock (_gate) return [.. _mails.Where(mail => mail.Error is null)];
    }

    public GeneratorLog Build(GeneratorOptions options, IReadOnlyList<string> scenarios, int repetitions, string stoppedBy,
        DateTimeOffset startedAt, DateTimeOffset endedAt, GeneratorServers servers)
    {
        lock (_gate)
        {
            List<HttpRequestEntry> http = Renumber(_http, entry => entry.Connection, (entry, number) => entry with { Connection = number });
            List<MailEntry> mails = Renumber(_mails, entry => entry.Connection, (entry, number) => entry with { Connection = number });
            var totals = new GeneratorTotals
            {
                HttpRequests = http.Count,
                HttpConnections = http.Where(entry => entry.Connection != 0).Select(entry => entry.Connection).Distinct().Count(),
                NotModified = http.Count(entry => entry.Status == 304),
                ChangedAfterRevalidation = http.Count(entry => entry.Status == 200 && (entry.IfNoneMatch ?? entry.IfModifiedSince) is not null),
                Mails = mails.Count(mail => mail.Error is null),
                RecipientsAccepted = mails.Sum(mail => mail.RecipientsAccepted.Count),
                RecipientsRefused = mails.Sum(mail => mail.RecipientsRefused.Count),
                ImapFetches = _fetches.Count,
                Errors = _errors.Count
                    + http.Count(entry => entry.Failed)
                    + mails.Count(mail => mail.Failed),
            };
            return new GeneratorLog
            {
                Seed = options.Seed,
                Scenarios = scenarios,
                Repetitions = repetitions,
                StoppedBy = stoppedBy,
                StartedAt = startedAt,
                EndedAt = endedAt,
                Servers = servers,
                HttpRequests = http,
                Mails = mails,
                ImapFetches = [.. _fetches],
                Errors = [.. _errors],
                Totals = totals,
            };
        }
    }

    /// <summary>Replaces run-wide connection identities by 1, 2, 3… in order of first appearance.</summary>
    private static List<T> Renumber<T>(List<T> entries, Func<T, int> id, Func<T, int, T> withNumber)
    {
        var numbers = new Dictionary<int, int>();
        var renumbered = new List<T>(entries.Count);
        foreach (T entry in entries)
        {
            // 0 stays 0: the request never got a connection (connect refused or timed out).
            int number = 0;
            if (id(entry) != 0 && !numbers.TryGetValue(id(entry), out number)) numbers[id(entry)] = number = numbers.Count + 1;
            renumbered.Add(withNumber(entry, number));
        }
        return renumbered;
    }
}
