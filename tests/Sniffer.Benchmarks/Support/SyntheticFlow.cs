using Sniffer.Core.Flows;
using Sniffer.Core.Packets;
using Sniffer.Decoding;
using Sniffer.TestSupport.Synthesis;

namespace Sniffer.Benchmarks.Support;

/// <summary>
/// One HTTP download as an Ethernet capture records it, built by TestSupport's <see cref="TcpConversation"/> (the same
/// shape as tests/tools/synth_mtu_capture.py): handshake, a GET, a response in <see cref="ResponseSegments"/> MTU-sized
/// segments with an ACK every second one, FIN both ways.
/// </summary>
public static class SyntheticFlow
{
    public const int ResponseSegments = 50;
    public const int MaximumSegmentSize = 1460;

    public static IReadOnlyList<SyntheticFrame> HttpDownload(ushort vlanId = 0)
    {
        var tcp = new TcpConversation("192.0.2.10:51234", "198.51.100.20:80", vlanId: vlanId) { MaximumSegmentSize = MaximumSegmentSize };
        tcp.Handshake();
        tcp.ClientSends("GET /downloads/archive.bin HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: curl/8.11.0\r\nAccept: */*\r\n\r\n");
        byte[] response = new byte[ResponseSegments * MaximumSegmentSize];
        new Random(7).NextBytes(response);
        // The client ACKs every second full segment (RFC 9293 §3.8.6.3, delayed ACK).
        for (int offset = 0; offset < response.Length; offset += 2 * MaximumSegmentSize)
        {
            tcp.ServerSends(response.AsSpan(offset, Math.Min(2 * MaximumSegmentSize, response.Length - offset)));
        }
        tcp.Close();
        return tcp.Frames;
    }

    /// <summary>
    /// The frames with every <paramref name="everyNth"/>th pair of consecutive server data segments swapped, as a
    /// path with two queues delivers them: the reassembler buffers the later one and fills the hole.
    /// </summary>
    public static IReadOnlyList<SyntheticFrame> Reordered(IReadOnlyList<SyntheticFrame> frames, int everyNth)
    {
        var reordered = frames.ToList();
        int pairs = 0;
        for (int i = 0; i + 1 < reordered.Count; i++)
        {
            if (!IsServerData(reordered[i]) || !IsServerData(reordered[i + 1])) continue;
            if (pairs++ % everyNth == 0) (reordered[i], reordered[i + 1]) = (reordered[i + 1], reordered[i]);
            i++;
        }
        return reordered;

        static bool IsServerData(SyntheticFrame frame) => !frame.FromClient && frame.Payload.Length > 0;
    }

    /// <summary>Decodes the frames with the real decoder and keeps what the reassembler needs, so a reassembly benchmark times reassembly only.</summary>
    public static DecodedSegment[] Decode(IReadOnlyList<SyntheticFrame> frames)
    {
        var decoder = new PacketDecoder(DecoderSettings.Default, new CountingSink());
        var segments = new List<DecodedSegment>(frames.Count);
        long frameNumber = 0;
        foreach (SyntheticFrame frame in frames)
        {
            var captured = new CaptureFrame(frame.Bytes, frame.Bytes.Length, frame.TimestampNs, LinkType.Ethernet, ++frameNumber);
            if (decoder.Decode(captured, out TcpSegment segment) != DecodeResult.Tcp)
            {
                throw new InvalidOperationException($"frame {frameNumber} did not decode to TCP");
            }
            segments.Add(new DecodedSegment(segment));
        }
        return [.. segments];
    }
}

/// <summary>A <see cref="TcpSegment"/> kept beyond its frame (the ref struct cannot be), to be lent again as one.</summary>
public sealed class DecodedSegment(in TcpSegment segment)
{
    private readonly NetworkEndpoint _source = segment.Source;
    private readonly NetworkEndpoint _destination = segment.Destination;
    private readonly ushort _vlanId = segment.VlanId;
    private readonly uint _sequenceNumber = segment.SequenceNumber;
    private readonly uint _acknowledgmentNumber = segment.AcknowledgmentNumber;
    private readonly TcpFlags _flags = segment.Flags;
    private readonly ushort _window = segment.Window;
    private readonly TcpOptions _options = segment.Options;
    private readonly byte[] _payload = segment.Payload.ToArray();
    private readonly long _timestampNs = segment.TimestampNs;
    private readonly long _frameNumber = segment.FrameNumber;

    public int PayloadLength => _payload.Length;

    public long TimestampNs => _timestampNs;

    public TcpSegment ToSegment() => new(
        _source, _destination, _vlanId, _sequenceNumber, _acknowledgmentNumber, _flags, _window, _options, _payload,
        missingPayloadBytes: 0, _timestampNs, _frameNumber);
}
