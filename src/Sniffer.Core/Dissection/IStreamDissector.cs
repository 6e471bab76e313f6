using System.Buffers;
using Sniffer.Core.Flows;

namespace Sniffer.Core.Dissection;

/// <summary>What a dissector made of the bytes it was offered.</summary>
public enum DissectStatus
{
    /// <summary>No complete element: nothing more can be consumed until more bytes arrive.</summary>
    NeedMoreData,

    /// <summary>At least one element was consumed; call again when more bytes arrive.</summary>
    Progress,

    /// <summary>The bytes do not follow the protocol; the dissector has recorded why as an anomaly.</summary>
    Violation,

    /// <summary>The rest of the flow is no longer this protocol (STARTTLS, CONNECT, Upgrade): treat it as opaque.</summary>
    HandOff,
}

/// <summary>Why a direction of a stream ended.</summary>
public enum StreamEndReason
{
    Fin,
    Reset,
    IdleTimeout,
    EndOfCapture,
    Evicted,
}

/// <summary>
/// One instance per flow, fed both directions in capture order (Zeek's data / gap / end contract).
/// <para>
/// <see cref="OnData"/> receives every byte of the direction not yet consumed. Like Kestrel's parser it
/// consumes only complete protocol elements and leaves the reader after the last one; the framework keeps
/// the rest and offers it again with the next bytes. A dissector that cannot make progress on a large
/// unconsumed buffer must report a violation itself (a line-length limit), since the framework bounds
/// what it holds for it.
/// </para>
/// </summary>
public interface IStreamDissector
{
    DissectStatus OnData(Direction direction, ref SequenceReader<byte> reader, IStreamClock clock);

    /// <summary>
    /// <paramref name="length"/> bytes at <paramref name="streamOffset"/> of <paramref name="direction"/>
    /// will never arrive (loss, truncation, memory cap). Any unconsumed bytes before the gap were
    /// discarded first. The dissector resynchronises if it can, or returns <see cref="DissectStatus.Violation"/>.
    /// </summary>
    DissectStatus OnGap(Direction direction, long streamOffset, long length, long timeNs);

    /// <summary>No more bytes will arrive in <paramref name="direction"/>. Unconsumed bytes, if any, were offered last with no more to come.</summary>
    void OnEnd(Direction direction, StreamEndReason reason, long timeNs);
}
