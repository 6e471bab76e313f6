using System.Text;
using LiteDB;
using Sniffer.Reports.Store;
using Sniffer.Storage;
using Sniffer.Ui.Details;

namespace Sniffer.Ui.Views;

/// <summary>
/// The Timing tab's text: handshake RTT and time-to-first-byte distributions as text histograms, TTFB per host,
/// and the savings the analyses stored (conditional GET, persistent connections). Distributions are drawn from at
/// most <see cref="MaxSamples"/> records so a million-row database answers in a moment; the text says so when it did.
/// </summary>
internal static class TimingText
{
    public const int MaxSamples = 100_000;
    private const int BarWidth = 40;
    private const int TopHosts = 10;

    private static readonly long[] BucketEdgesNs =
    [
        100_000, 200_000, 500_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000, 20_000_000, 50_000_000,
        100_000_000, 200_000_000, 500_000_000, 1_000_000_000, 2_000_000_000, 5_000_000_000,
    ];

    public static string Build(SessionStoreReader reader)
    {
        var text = new StringBuilder();
        List<long> rtts = Samples(reader, StoreCollections.Flows, d => d.Number("handshake_rtt_ns"), out bool rttCapped);
        List<(string? Host, long Ttfb)> ttfbs = Samples(reader, StoreCollections.Http,
            d => d.Number("timings.response_start_ns") - d.Number("timings.request_end_ns") is { } ttfb ? (d.Text("host"), ttfb) : ((string?, long)?)null,
            out bool ttfbCapped);
        Histogram(text, "Handshake RTT (SYN → ACK at the capture point)", rtts, rttCapped);
        Histogram(text, "Time to first byte (last request byte → first response byte)", ttfbs.Select(t => t.Ttfb).ToList(), ttfbCapped);
        PerHost(text, ttfbs);
        Summaries(text, reader);
        return text.ToString();
    }

    private static List<T> Samples<T>(SessionStoreReader reader, string collection, Func<BsonDocument, T?> value, out bool capped) where T : struct
    {
        const int pageSize = 2_000;
        var samples = new List<T>();
        int read = 0;
        BsonValue last = BsonValue.MinValue;
        // Pages follow the primary key (_id > last) so each costs the same however far in it is, and only one is in memory.
        while (read < MaxSamples)
        {
            IReadOnlyList<BsonDocument> page = reader.Documents(collection, Page.First(pageSize), LiteDB.Query.GT("_id", last));
            foreach (BsonDocument document in page)
            {
                if (value(document) is { } sample) samples.Add(sample);
            }
            read += page.Count;
            if (page.Count < pageSize) break;
            last = page[^1]["_id"];
        }
        capped = read >= MaxSamples;
        return samples;
    }

    private static void Histogram(StringBuilder text, string title, List<long> samples, bool capped)
    {
        text.Append("── ").Append(title).Append('\n');
        if (samples.Count == 0)
        {
            text.Append("(no samples)\n\n");
            return;
        }
        samples.Sort();
        text.Append($"{Display.Count(samples.Count)} samples{(capped ? $" (from the first {Display.Count(MaxSamples)} records)" : "")}: ")
            .Append($"min {Display.Duration(samples[0])}, median {Display.Duration(Percentile(samples, 0.5))}, ")
            .Append($"p95 {Display.Duration(Percentile(samples, 0.95))}, max {Display.Duration(samples[^1])}\n");
        int[] counts = new int[BucketEdgesNs.Length + 1];
        foreach (long sample in samples)
        {
            int bucket = Array.FindIndex(BucketEdgesNs, edge => sample < edge);
            counts[bucket < 0 ? BucketEdgesNs.Length : bucket]++;
        }
        int first = Array.FindIndex(counts, c => c > 0);
        int last = Array.FindLastIndex(counts, c => c > 0);
        int most = counts.Max();
        for (int i = first; i <= last; i++)
        {
            string label = i == BucketEdgesNs.Length ? $"≥ {Display.Duration(BucketEdgesNs[^1])}" : $"< {Display.Duration(BucketEdgesNs[i])}";
            int width = counts[i] == 0 ? 0 : Math.Max(1, counts[i] * BarWidth / most);
            text.Append($"{label,10} │{new string('█', width)}{new string(' ', BarWidth - width)} {Display.Count(counts[i])}\n");
        }
        text.Append('\n');
    }

    private static long Percentile(List<long> sorted, double fraction) => sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(fraction * sorted.Count))];

    private static void PerHost(StringBuilder text, List<(string? Host, long Ttfb)> ttfbs)
    {
        if (ttfbs.Count == 0) return;
        text.Append("── Time to first byte per host (busiest first)\n");
        foreach (var host in ttfbs.GroupBy(t => t.Host ?? "(no host)").OrderByDescending(g => g.Count()).Take(TopHosts))
        {
            List<long> sorted = host.Select(t => t.Ttfb).Order().ToList();
            text.Append($"{Truncate(Display.Safe(host.Key), 40),-40} {Display.Count(sorted.Count),8} × median {Display.Duration(Percentile(sorted, 0.5)),9}, p95 {Display.Duration(Percentile(sorted, 0.95)),9}\n");
        }
        text.Append('\n');
    }

    private static void Summaries(StringBuilder text, SessionStoreReader reader)
    {
        IReadOnlyList<BsonDocument> summaries = reader.Documents(StoreCollections.Summaries, Page.First(20));
        if (summaries.Count == 0)
        {
            text.Append("── Savings\n(no analysis summaries in this database: conditional-GET and persistent-connection savings appear once the analyses have run)\n");
            return;
        }
        foreach (BsonDocument summary in summaries)
            text.Append(DocumentDetails.Render(summary, $"Summary: {Display.Safe(summary.Text("kind"))}")).Append('\n');
        IReadOnlyList<BsonDocument> savings = reader.Documents(StoreCollections.ConditionalGets, Page.First(10), null, "$.bytes_saved", descending: true);
        if (savings.Count == 0) return;
        text.Append("── Conditional GETs that saved the most\n");
        foreach (BsonDocument saving in savings)
            text.Append($"{Display.Size(saving.Number("bytes_saved")),9} {Display.Duration(saving.Number("time_saved_ns")),9}  {Truncate(Display.Safe(saving.Text("url")), 80)}\n");
    }

    private static string Truncate(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";
}
