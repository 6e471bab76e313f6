using System.Globalization;
using Sniffer.Analysis.Http;
using Sniffer.Analysis.Http.Timing;
using Sniffer.Core.Records;
using Sniffer.Core.Text;
using Sniffer.Engine;
using Sniffer.Storage;

namespace Sniffer.Cli;

/// <summary>Prints what `read` and `capture` found, capinfos-style: one labelled line per figure.</summary>
internal static class SummaryPrinter
{
    private const int LabelWidth = 22;

    public static void PrintFiles(CaptureFilesResult result, AnalysisPipeline pipeline, CountingSink records)
    {
        foreach (CaptureFileOutcome file in result.Files)
        {
            // A file name is chosen by whoever handed over the capture: it may carry escape sequences like the capture's bytes.
            Line("File", $"{SafeText.Escape(file.Path)} ({file.Format?.ToLowerInvariant() ?? "unreadable"}, {file.Frames:N0} frames)");
            foreach (var warning in file.Warnings) Line("  warning", SafeText.Escape(warning.ToString()));
            if (file.Error is not null) Line("  error", SafeText.Escape(file.Error));
        }
        PrintRun(pipeline, records);
    }

    public static void PrintLive(LiveCaptureResult result, AnalysisPipeline pipeline, CountingSink records, string? savedTo)
    {
        var counters = result.Counters;
        Line("Stopped", $"{result.StopReason} after {result.Elapsed.TotalSeconds:N1} s");
        Line("Packets received", $"{counters.Received:N0} (libpcap's count: {Kernel(counters.KernelReceived, counters.KernelStatisticsRead)})");
        Line("Dropped by kernel", Kernel(counters.DroppedByKernel, counters.KernelStatisticsRead));
        Line("Dropped by interface", Kernel(counters.DroppedByInterface, counters.KernelStatisticsRead));
        Line("Dropped by sniffer", $"{counters.DroppedByUs:N0} (analysis queue full)");
        if (savedTo is not null) Line("Saved", $"{counters.Saved:N0} packets to {SafeText.Escape(savedTo)}");
        if (result.SaveError is not null) Line("  error", SafeText.Escape(result.SaveError));
        PrintRun(pipeline, records);
    }

    private static void PrintRun(AnalysisPipeline pipeline, CountingSink records)
    {
        foreach (string loaded in pipeline.PluginReport.LoadedDissectors) Line("Plug-in", loaded);
        foreach (string error in pipeline.PluginReport.Errors) Line("Plug-in error", error);
        PrintStatistics(pipeline.Statistics, records);
        PrintHttp(pipeline.HttpReport);
    }

    /// <summary>The application-layer story in the course's terms: revalidations, persistent connections, cookies, latency.</summary>
    private static void PrintHttp(HttpAnalysisReport? report)
    {
        if (report is null || report.Exchanges == 0) return;
        var caching = report.ConditionalGet;
        Line("Conditional GET", $"{caching.Conditional:N0} conditional requests, {caching.NotModified:N0} answered 304, {caching.Changed:N0} changed (200)");
        if (caching.NotModified > 0)
            Line("  saved by 304s", $"{caching.BytesSaved:N0} bytes, {Milliseconds(caching.TimeSavedNs)}{(caching.UnknownSavings > 0 ? $" ({caching.UnknownSavings:N0} of unknown size)" : "")}");
        if (caching.CacheableWithoutValidator > 0) Line("  without validator", $"{caching.CacheableWithoutValidator:N0} cacheable responses carry no ETag or Last-Modified");
        var timing = report.Timing;
        Line("Persistent HTTP", $"{timing.Requests:N0} requests on {timing.Connections:N0} connections: {timing.HandshakesSaved:N0} handshakes saved ({Milliseconds(timing.RttSavedNs)} of RTT)");
        Line("Handshake RTT", Distribution(timing.HandshakeRtt));
        Line("Time to first byte", Distribution(timing.TimeToFirstByte));
        int thirdParty = report.CookieJars.Count(c => c.ThirdPartySends > 0);
        Line("Cookies", $"{report.CookieJars.Count:N0} in {report.CookieJars.Select(c => c.Client).Distinct().Count():N0} client jars, {thirdParty:N0} sent as third-party, {report.TrackingIdentifiers.Count:N0} tracking identifiers, {report.UnseenCookies.Count:N0} sent but never seen set");
    }

    private static string Distribution(LatencyDistribution distribution) =>
        distribution.Count == 0
            ? "-"
            : $"median {Milliseconds(distribution.MedianNs)}, p90 {Milliseconds(distribution.P90Ns)}, p95 {Milliseconds(distribution.P95Ns)}, min {Milliseconds(distribution.MinNs)}, max {Milliseconds(distribution.MaxNs)} ({distribution.Count:N0} samples)";

    private static string Milliseconds(long? nanoseconds) =>
        nanoseconds is { } ns ? (ns / 1e6).ToString("0.###", CultureInfo.InvariantCulture) + " ms" : "?";

    private static void PrintStatistics(PipelineStatistics statistics, CountingSink records)
    {
        var decoding = statistics.Decoding;
        Line("Packets", decoding.Frames.ToString("N0", CultureInfo.InvariantCulture));
        Line("Bytes", $"{decoding.CapturedBytes:N0} captured, {decoding.WireBytes:N0} on the wire");
        if (statistics.HasPackets)
        {
            double seconds = (statistics.LastPacketNs - statistics.FirstPacketNs) / 1e9;
            Line("Time span", $"{FormatTime(statistics.FirstPacketNs)} → {FormatTime(statistics.LastPacketNs)} ({seconds:N6} s)");
        }
        Line("Link types", decoding.FramesByLinkType.Count == 0
            ? "-"
            : string.Join(", ", decoding.FramesByLinkType.OrderByDescending(p => p.Value).Select(p => $"{p.Key} ({(int)p.Key}): {p.Value:N0}")));
        Line("IPv4 / IPv6", $"{decoding.IPv4Packets:N0} / {decoding.IPv6Packets:N0}");
        Line("TCP / UDP / other IP", $"{decoding.TcpSegments:N0} / {decoding.UdpDatagrams:N0} / {decoding.OtherIpPackets:N0}");
        Line("Non-IP frames", decoding.NonIpFrames.ToString("N0", CultureInfo.InvariantCulture));
        Line("Fragments", $"{decoding.FragmentsReceived:N0} received, {decoding.DatagramsReassembled:N0} datagrams reassembled, {decoding.DatagramsAbandoned:N0} abandoned");
        Line("Decode errors", $"{decoding.DecodeErrors:N0} malformed, {decoding.UnknownLinkTypeFrames:N0} of unknown link type");
        Line("Truncated frames", $"{decoding.TruncatedFrames:N0} (snaplen), {decoding.TcpPayloadsCut:N0} with TCP payload cut");

        var tcp = statistics.Reassembly;
        Line("TCP flows", $"{tcp.FlowsSeen:N0} ({tcp.BytesDelivered:N0} bytes reassembled, {tcp.Gaps:N0} gaps of {tcp.GapBytes:N0} bytes, {tcp.Retransmissions:N0} retransmissions)");
        foreach (var (type, count) in records.RecordsByType.OrderBy(p => p.Key.Name, StringComparer.Ordinal))
        {
            // Analysis results are summarised below in their own words; here only what the dissectors found.
            bool isAnalysisResult = type.Namespace?.StartsWith("Sniffer.Analysis", StringComparison.Ordinal) == true;
            if (type != typeof(Anomaly) && !isAnalysisResult) Line("  " + type.Name, count.ToString("N0", CultureInfo.InvariantCulture));
        }
        if (records.AnomaliesByKind.Count > 0)
        {
            Line("Anomalies", string.Join(", ", records.AnomaliesByKind.OrderByDescending(p => p.Value).Select(p => $"{SafeText.Escape(p.Key)}: {p.Value:N0}")));
        }
    }

    /// <summary>What a session database holds after <c>sniffer open</c>.</summary>
    public static void PrintStored(string path, SessionStoreReader stored)
    {
        Line("Stored in", path);
        Line("  captures", stored.Captures().Count.ToString("N0", CultureInfo.InvariantCulture));
        Line("  flows", stored.CountFlows().ToString("N0", CultureInfo.InvariantCulture));
        Line("  HTTP transactions", stored.CountHttp().ToString("N0", CultureInfo.InvariantCulture));
        Line("  anomalies", stored.CountAnomalies().ToString("N0", CultureInfo.InvariantCulture));
    }

    private static string Kernel(long value, bool read) => read ? value.ToString("N0", CultureInfo.InvariantCulture) : "not available";

    private static string FormatTime(long unixNanoseconds) =>
        DateTimeOffset.UnixEpoch.AddTicks(unixNanoseconds / TimeSpan.NanosecondsPerTick)
            .ToString("yyyy-MM-dd HH:mm:ss.ffffff 'UTC'", CultureInfo.InvariantCulture);

    private static void Line(string label, string value) => Console.WriteLine($"{(label + ":").PadRight(LabelWidth)} {value}");
}
