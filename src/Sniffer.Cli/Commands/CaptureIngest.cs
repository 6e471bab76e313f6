using Sniffer.Core.Text;
using Sniffer.Engine;
using Sniffer.Storage;

namespace Sniffer.Cli.Commands;

/// <summary>
/// How a capture becomes an entry of the store, for every command that stores: one file (or live session), one
/// pipeline, one capture entry — flow ids and counters are per capture, as the store keys them — closed with the
/// time span and the pipeline's counters.
/// </summary>
internal static class CaptureIngest
{
    /// <summary>
    /// Analyses one capture file into <paramref name="writer"/> through <paramref name="records"/> (a counting sink
    /// whose chain ends at the writer). Prints the file's summary, or, when stdout carries something else (a report),
    /// only its problems on stderr. True when reading failed part-way; what was read is stored.
    /// </summary>
    public static bool File(string path, PipelineOptions options, SessionStoreWriter writer, CountingSink records,
        bool printSummary, Func<AnalysisPipeline, IDisposable>? track = null, CancellationToken cancel = default)
    {
        using var pipeline = new AnalysisPipeline(options, records);
        writer.BeginCapture(new CaptureSource(path));
        CaptureFilesResult result;
        using (track?.Invoke(pipeline))
        {
            result = CaptureFileAnalysis.Read([path], pipeline, cancel);
        }
        writer.EndCapture(Totals(pipeline.Statistics));
        if (printSummary) SummaryPrinter.PrintFiles(result, pipeline, records);
        else
        {
            foreach (CaptureFileOutcome file in result.Files.Where(f => f.Error is not null))
                Console.Error.WriteLine($"sniffer: {SafeText.Escape(file.Path)}: {SafeText.Escape(file.Error!)}");
        }
        return result.Failed;
    }

    public static CaptureTotals Totals(PipelineStatistics statistics) => new(
        statistics.HasPackets ? statistics.FirstPacketNs : null,
        statistics.HasPackets ? statistics.LastPacketNs : null,
        Counters(statistics));

    private static Dictionary<string, long> Counters(PipelineStatistics statistics)
    {
        var decoding = statistics.Decoding;
        var reassembly = statistics.Reassembly;
        return new Dictionary<string, long>
        {
            ["frames"] = decoding.Frames,
            ["captured_bytes"] = decoding.CapturedBytes,
            ["wire_bytes"] = decoding.WireBytes,
            ["ipv4_packets"] = decoding.IPv4Packets,
            ["ipv6_packets"] = decoding.IPv6Packets,
            ["tcp_segments"] = decoding.TcpSegments,
            ["udp_datagrams"] = decoding.UdpDatagrams,
            ["other_ip_packets"] = decoding.OtherIpPackets,
            ["non_ip_frames"] = decoding.NonIpFrames,
            ["fragments_received"] = decoding.FragmentsReceived,
            ["datagrams_reassembled"] = decoding.DatagramsReassembled,
            ["datagrams_abandoned"] = decoding.DatagramsAbandoned,
            ["decode_errors"] = decoding.DecodeErrors,
            ["truncated_frames"] = decoding.TruncatedFrames,
            ["anomalies_suppressed"] = decoding.AnomaliesSuppressed,
            ["flows_seen"] = reassembly.FlowsSeen,
            ["flows_closed"] = reassembly.FlowsClosed,
            ["flows_evicted"] = reassembly.FlowsEvicted,
            ["tcp_bytes_delivered"] = reassembly.BytesDelivered,
            ["tcp_gaps"] = reassembly.Gaps,
            ["tcp_gap_bytes"] = reassembly.GapBytes,
            ["tcp_retransmissions"] = reassembly.Retransmissions,
            ["tcp_overlaps"] = reassembly.Overlaps,
            ["tcp_overlap_mismatches"] = reassembly.OverlapMismatches,
        };
    }
}
