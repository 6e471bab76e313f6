using Sniffer.Capture.Files;
using Sniffer.Core.Dissection;
using Sniffer.Core.Packets;
using Sniffer.Core.Records;
using Sniffer.Decoding;
using Sniffer.Reports.Text;
using Sniffer.Storage;

namespace Sniffer.Reports.Export;

/// <summary>What a pcap export wrote.</summary>
public sealed record PcapExportResult(long Frames, long FramesRead, long OtherLinkTypeFrames);

/// <summary>
/// The packets of chosen flows written back as a classic pcap that Wireshark and tcpdump open. The store keeps
/// records, not packets, so the original capture named in <c>captures.source</c> is read again: each frame is
/// decoded to its TCP endpoints, and kept when they are a chosen flow's client and server (either direction) and
/// its time lies in that flow's first-to-last-packet span — the span tells apart two connections that reused
/// the same ports. Frames are copied byte for byte with their timestamps and original lengths.
/// <para>Limits: IP fragments other than the one that completes a datagram are not matched (they carry no TCP header).</para>
/// </summary>
public sealed class PcapExport(SessionStoreReader store)
{
    /// <summary>Writes the frames of <paramref name="flows"/> (records with their capture) to <paramref name="output"/>.</summary>
    public PcapExportResult Write(IReadOnlyList<Stored<FlowRecord>> flows, string output, bool force, ExportProgress progress)
    {
        if (flows.Count == 0) throw new ExportException("no flow matches; nothing to export");
        Dictionary<int, StoredCapture> captures = store.Captures().ToDictionary(c => c.Id);
        var sources = new List<(string Path, FlowMatcher Matcher)>();
        foreach (var group in flows.GroupBy(f => f.Capture).OrderBy(g => g.Key))
        {
            StoredCapture capture = captures.GetValueOrDefault(group.Key) ?? throw new ExportException($"capture {group.Key} is not in the database");
            sources.Add((SourceOf(capture), new FlowMatcher(group.Select(f => f.Record))));
        }

        PcapFileWriter? writer = null;
        FileStream? file = null;
        LinkType linkType = default;
        long frames = 0, read = 0, otherLinkType = 0;
        try
        {
            foreach (var (path, matcher) in sources)
            {
                using CaptureFileReader reader = CaptureFileReader.Open(path);
                var decoder = new PacketDecoder(DecoderSettings.Default, DiscardAnomalies.Instance);
                while (reader.TryReadNext(out CaptureFrame frame))
                {
                    read++;
                    if (decoder.Decode(frame, out TcpSegment segment) != DecodeResult.Tcp || !matcher.Matches(segment.Source, segment.Destination, frame.TimestampNs)) continue;
                    if (writer is null)
                    {
                        linkType = frame.LinkType;
                        file = OutputFiles.Create(output, force);
                        writer = new PcapFileWriter(file, linkType, precision: PcapTimestampPrecision.Nanoseconds, leaveOpen: true);
                    }
                    // Classic pcap has one link type per file; a pcapng mixing interfaces of several types keeps the first.
                    if (frame.LinkType != linkType)
                    {
                        otherLinkType++;
                        continue;
                    }
                    writer.Write(frame.Data, frame.OriginalLength, frame.TimestampNs);
                    frames++;
                    progress.Report(() => $"{Figures.Count(read)} frames read, {Figures.Count(frames)} written");
                }
            }
        }
        finally
        {
            writer?.Dispose();
            file?.Dispose();
        }
        if (writer is null) throw new ExportException("no packet of the chosen flows was found in the original capture; it may have changed since it was analysed");
        return new PcapExportResult(frames, read, otherLinkType);
    }

    private static string SourceOf(StoredCapture capture)
    {
        if (capture.Source.Interface is { } device)
            throw new ExportException($"capture {capture.Id} was live on {device}: its packets are only where -w saved them; export from that file after analysing it");
        string path = capture.Source.Source;
        if (!File.Exists(path))
            throw new ExportException($"capture {capture.Id}'s source {path} no longer exists; the pcap export reads the packets again from the original capture");
        return path;
    }

    /// <summary>The chosen flows of one capture by their endpoint pair, each with its time span.</summary>
    private sealed class FlowMatcher
    {
        private readonly Dictionary<(string, string), List<(long First, long Last)>> _spans = [];

        public FlowMatcher(IEnumerable<FlowRecord> flows)
        {
            foreach (FlowRecord flow in flows)
            {
                var key = Key(flow.Client, flow.Server);
                if (!_spans.TryGetValue(key, out var spans)) _spans[key] = spans = [];
                spans.Add((flow.FirstPacketNs, flow.LastPacketNs));
            }
        }

        public bool Matches(Sniffer.Core.Flows.NetworkEndpoint source, Sniffer.Core.Flows.NetworkEndpoint destination, long timestampNs) =>
            _spans.TryGetValue(Key(source.ToString(), destination.ToString()), out var spans)
            && spans.Any(s => timestampNs >= s.First && timestampNs <= s.Last);

        /// <summary>Both directions of a connection give the same key: the endpoints in ordinal order.</summary>
        private static (string, string) Key(string a, string b) => string.CompareOrdinal(a, b) <= 0 ? (a, b) : (b, a);
    }

    private sealed class DiscardAnomalies : IRecordSink
    {
        public static readonly DiscardAnomalies Instance = new();

        // The analysis already recorded the decoder's anomalies; re-reading only selects packets.
        public void Emit(SnifferRecord record)
        {
        }
    }
}
