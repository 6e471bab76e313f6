namespace Sniffer.Capture.Files;

/// <summary>The container format of a capture file, as recognised by its magic number.</summary>
public enum CaptureFileFormat
{
    /// <summary>Classic libpcap format (draft-ietf-opsawg-pcap).</summary>
    Pcap,

    /// <summary>pcap Next Generation (draft-ietf-opsawg-pcapng).</summary>
    PcapNg,
}
