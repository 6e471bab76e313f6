using Sniffer.Engine;
using Sniffer.Storage;

namespace Sniffer.Cli.Commands;

/// <summary>What a capture entry of the store records when its capture ends: time span and the pipeline's counters.</summary>
internal static class StoredTotals
{
    public static CaptureTotals Of(PipelineStatistics statistics) => new(
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
