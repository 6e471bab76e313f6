using Sniffer.Core.Packets;

namespace Sniffer.Capture.Files;

/// <summary>
/// An interface frames were captured on: the one described by a pcap file header, or one pcapng
/// Interface Description Block. pcapng numbers interfaces per section; <see cref="Index"/> counts across the file.
/// </summary>
public sealed record CaptureInterface
{
    /// <summary>Position among all interfaces of the file, in order of appearance.</summary>
    public required int Index { get; init; }

    /// <summary>0-based number of the pcapng section (Section Header Block) declaring it; always 0 for pcap.</summary>
    public required int Section { get; init; }

    /// <summary>The interface ID frames of its section use to refer to it.</summary>
    public required int IdInSection { get; init; }

    public required LinkType LinkType { get; init; }

    /// <summary>Maximum captured bytes per frame; 0 means no limit (pcapng).</summary>
    public required long SnapLength { get; init; }

    public required TimestampUnit TimestampUnit { get; init; }

    /// <summary>pcapng if_tsoffset: seconds added to every timestamp of this interface (already applied to frames).</summary>
    public long TimestampOffsetSeconds { get; init; }

    /// <summary>Bytes of frame check sequence at the end of each frame, when the file says (pcap FCS bits, pcapng if_fcslen).</summary>
    public int? FcsLength { get; init; }
}
