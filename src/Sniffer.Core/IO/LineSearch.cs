using System.Buffers;

namespace Sniffer.Core.IO;

/// <summary>
/// Finds where an unconsumed line ends when the same bytes are offered again with each segment until its LF comes.
/// Only the bytes not searched before are (Kestrel's "examined" position), so a 64 KB line sent a byte per segment
/// costs 64 KB of searching, not 2 GB.
/// </summary>
public static class LineSearch
{
    /// <summary>The first LF of <paramref name="unread"/>, or null when it holds none yet.</summary>
    /// <param name="examined">
    /// Bytes at the start of <paramref name="unread"/> known to hold no LF, from an earlier call offered the same
    /// unconsumed line; set to all of them when no LF is found, and to 0 when one is, for the next line.
    /// </param>
    public static SequencePosition? FindLineFeed(in ReadOnlySequence<byte> unread, ref long examined)
    {
        SequencePosition? lf = examined < unread.Length ? unread.Slice(examined).PositionOf((byte)'\n') : null;
        examined = lf is null ? unread.Length : 0;
        return lf;
    }
}
