namespace Sniffer.Decoding;

/// <summary>What <see cref="PacketDecoder.Decode"/> made of one frame.</summary>
public enum DecodeResult
{
    /// <summary>A TCP segment; the <see cref="TcpSegment"/> out-parameter is filled.</summary>
    Tcp,

    /// <summary>A UDP datagram (counted, not handed on).</summary>
    Udp,

    /// <summary>An IP packet carrying another protocol (ICMP, ESP, no next header, ...).</summary>
    OtherIp,

    /// <summary>A well-formed frame that does not carry IP (ARP, 802.3/LLC, encrypted 802.11, ...).</summary>
    NonIp,

    /// <summary>An IP fragment was buffered; its datagram is not complete yet (or the fragment was dropped and reported).</summary>
    FragmentHeld,

    /// <summary>The snaplen cut the frame inside a header the decoder needed: a capture limit, not bad traffic.</summary>
    Truncated,

    /// <summary>Headers that contradict themselves or the frame (reported as an anomaly, within budget).</summary>
    Malformed,

    /// <summary>A link type the decoder does not know; counted per link type.</summary>
    UnknownLinkType,
}
