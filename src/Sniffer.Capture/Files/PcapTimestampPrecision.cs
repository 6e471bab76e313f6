namespace Sniffer.Capture.Files;

/// <summary>The two timestamp precisions of classic pcap, told apart by the file's magic number.</summary>
public enum PcapTimestampPrecision
{
    /// <summary>Magic 0xa1b2c3d4: the fraction counts microseconds; what every pcap reader understands.</summary>
    Microseconds,

    /// <summary>Magic 0xa1b23c4d: the fraction counts nanoseconds.</summary>
    Nanoseconds,
}
