using SharpPcap;
using SharpPcap.LibPcap;
using Sniffer.Core.Packets;
using Sniffer.Core.Records;
using Sniffer.TestSupport;

namespace Sniffer.Decoding.Tests;

/// <summary>
/// Decodes whole capture files. libpcap (through SharpPcap) reads them, so these tests judge the decoder
/// independently of Sniffer's own capture file reader.
/// </summary>
internal static class CaptureDecoding
{
    public sealed record CaptureSummary(DecoderCounters Counters, IReadOnlyDictionary<DecodeResult, int> Results, IReadOnlyList<Anomaly> Anomalies)
    {
        public int IpFrames => Count(DecodeResult.Tcp) + Count(DecodeResult.Udp) + Count(DecodeResult.OtherIp) + Count(DecodeResult.FragmentHeld);

        public int Count(DecodeResult result) => Results.GetValueOrDefault(result);
    }

    /// <summary>Sees each frame with what the decoder made of it (the segment is default unless the result is Tcp).</summary>
    public delegate void FrameVisitor(in CaptureFrame frame, DecodeResult result, in TcpSegment segment);

    public static CaptureSummary DecodeFile(string relativePath, FrameVisitor? visit = null) =>
        DecodeCapture(RepositoryPaths.Shared(relativePath), visit);

    public static CaptureSummary DecodeCapture(string path, FrameVisitor? visit = null)
    {
        var sink = new RecordingSink();
        var decoder = new PacketDecoder(DecoderSettings.Default, sink);
        var results = new Dictionary<DecodeResult, int>();
        using var device = new CaptureFileReaderDevice(path);
        device.Open();
        var linkType = (LinkType)(ushort)device.LinkType;
        long frameNumber = 0;
        while (device.GetNextPacket(out PacketCapture capture) == GetPacketStatus.PacketRead)
        {
            var header = (PcapHeader)capture.Header;
            long timestampNs = (long)header.Timeval.Seconds * 1_000_000_000 + (long)header.Timeval.MicroSeconds * 1_000;
            var frame = new CaptureFrame(capture.Data, (int)header.PacketLength, timestampNs, linkType, ++frameNumber);
            DecodeResult result = decoder.Decode(frame, out TcpSegment segment);
            visit?.Invoke(frame, result, segment);
            results[result] = results.GetValueOrDefault(result) + 1;
        }
        return new CaptureSummary(decoder.Counters, results, sink.Anomalies);
    }
}
