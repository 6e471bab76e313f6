namespace Sniffer.Core.Dissection;

/// <summary>
/// Maps bytes offered to a dissector back to the capture times of the packets that carried them.
/// Offsets are relative to the start of the reader passed to <see cref="IStreamDissector.OnData"/>,
/// so <c>TimeAt(reader.Consumed)</c> is the capture time of the next unread byte.
/// </summary>
public interface IStreamClock
{
    /// <summary>Capture time (Unix nanoseconds) of the packet that carried the byte at <paramref name="relativeOffset"/>.</summary>
    long TimeAt(long relativeOffset);

    /// <summary>Absolute offset in this direction's stream (counting gaps) of the byte at <paramref name="relativeOffset"/>.</summary>
    long StreamOffsetOf(long relativeOffset);
}
