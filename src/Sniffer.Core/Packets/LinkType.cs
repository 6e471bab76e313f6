namespace Sniffer.Core.Packets;

/// <summary>
/// Link-layer header types as numbered by tcpdump.org's LINKTYPE_ registry (the values in pcap and
/// pcapng headers). Only the ones Sniffer decodes are named; any other value is still carried through.
/// </summary>
public enum LinkType : ushort
{
    /// <summary>BSD loopback: 4-byte address family in the capturing host's byte order.</summary>
    Null = 0,
    Ethernet = 1,
    /// <summary>DLT_RAW as some BSDs number it.</summary>
    RawBsd12 = 12,
    /// <summary>DLT_RAW as OpenBSD numbers it.</summary>
    RawBsd14 = 14,
    Raw = 101,
    /// <summary>OpenBSD loopback: 4-byte address family in network byte order.</summary>
    Loop = 108,
    LinuxSll = 113,
    Ieee80211Radiotap = 127,
    Ipv4 = 228,
    Ipv6 = 229,
    Nflog = 239,
    LinuxSll2 = 276,
}
