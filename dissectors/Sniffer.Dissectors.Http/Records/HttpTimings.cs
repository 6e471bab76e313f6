namespace Sniffer.Dissectors.Http.Records;

/// <summary>
/// Capture times (Unix ns) of the first and last byte of each message, and the HAR-style phases they give.
/// The response starts with its first byte, a 1xx interim response included.
/// </summary>
public sealed class HttpTimings
{
    public long? RequestStartNs { get; init; }

    public long? RequestEndNs { get; init; }

    public long? ResponseStartNs { get; init; }

    public long? ResponseEndNs { get; init; }

    /// <summary>Sending the request: its first to its last byte.</summary>
    public long? SendNs => RequestEndNs - RequestStartNs;

    /// <summary>Waiting: last request byte to first response byte (time to first byte).</summary>
    public long? WaitNs => ResponseStartNs - RequestEndNs;

    /// <summary>Receiving the response: its first to its last byte.</summary>
    public long? ReceiveNs => ResponseEndNs - ResponseStartNs;
}
