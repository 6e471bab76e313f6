using System.Runtime.InteropServices;
using Sniffer.Core.Packets;

namespace Sniffer.Decoding;

/// <summary>
/// Running totals of one <see cref="PacketDecoder"/>, like Wireshark's protocol hierarchy statistics.
/// Each <see cref="DecodeResult"/> but <see cref="DecodeResult.FragmentHeld"/> has one outcome counter
/// (<see cref="TcpSegments"/>, <see cref="UdpDatagrams"/>, <see cref="OtherIpPackets"/>, <see cref="NonIpFrames"/>,
/// <see cref="TruncatedFrames"/>, <see cref="DecodeErrors"/>, <see cref="UnknownLinkTypeFrames"/>) counting
/// exactly the frames that ended there; the others break the traffic down further.
/// Not thread-safe: read it on the decoding thread or after decoding stops.
/// </summary>
public sealed class DecoderCounters
{
    private readonly Dictionary<LinkType, long> _framesByLinkType = [];

    public long Frames { get; internal set; }

    /// <summary>Captured bytes (what the snaplen kept).</summary>
    public long CapturedBytes { get; internal set; }

    /// <summary>Bytes on the wire, as the capture records them.</summary>
    public long WireBytes { get; internal set; }

    /// <summary>IPv4 headers decoded, fragments included.</summary>
    public long IPv4Packets { get; internal set; }

    /// <summary>IPv6 headers decoded, fragments included.</summary>
    public long IPv6Packets { get; internal set; }

    /// <summary>TCP segments handed on, whole or reassembled.</summary>
    public long TcpSegments { get; internal set; }

    public long UdpDatagrams { get; internal set; }

    /// <summary>IP packets of other protocols (ICMP, ESP, no next header, ...).</summary>
    public long OtherIpPackets { get; internal set; }

    public long NonIpFrames { get; internal set; }

    public long FragmentsReceived { get; internal set; }

    public long DatagramsReassembled { get; internal set; }

    /// <summary>Datagrams abandoned before completion: timed out, evicted or over a limit.</summary>
    public long DatagramsAbandoned { get; internal set; }

    /// <summary>Frames whose headers contradict themselves or the frame.</summary>
    public long DecodeErrors { get; internal set; }

    /// <summary>Frames the snaplen cut inside a header the decoder needed.</summary>
    public long TruncatedFrames { get; internal set; }

    /// <summary>TCP segments whose payload the snaplen cut (see <see cref="TcpSegment.MissingPayloadBytes"/>).</summary>
    public long TcpPayloadsCut { get; internal set; }

    /// <summary>TCP segments delivered despite an option list that broke its own length rules.</summary>
    public long MalformedTcpOptions { get; internal set; }

    public long UnknownLinkTypeFrames { get; internal set; }

    /// <summary>Anomalies counted but not emitted because their kind used up <see cref="DecoderSettings.MaxAnomaliesPerKind"/>.</summary>
    public long AnomaliesSuppressed { get; internal set; }

    public IReadOnlyDictionary<LinkType, long> FramesByLinkType => _framesByLinkType;

    /// <summary>Counts a frame; returns true the first time this link type is seen.</summary>
    internal bool CountFrame(LinkType linkType, int capturedBytes, int wireBytes)
    {
        Frames++;
        CapturedBytes += capturedBytes;
        WireBytes += wireBytes;
        ref long perLinkType = ref CollectionsMarshal.GetValueRefOrAddDefault(_framesByLinkType, linkType, out _);
        return ++perLinkType == 1;
    }
}
