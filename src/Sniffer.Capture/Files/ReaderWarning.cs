namespace Sniffer.Capture.Files;

/// <summary>
/// Something odd in a capture file that did not stop the reading, such as a last record cut short.
/// </summary>
/// <param name="Offset">Byte offset of the record concerned in the (decompressed) capture data.</param>
/// <param name="Kind">One of <see cref="Sniffer.Core.Records.AnomalyKinds"/>, so a pipeline can report it as an anomaly.</param>
/// <param name="Message">What was wrong, for people.</param>
public readonly record struct ReaderWarning(long Offset, string Kind, string Message)
{
    public override string ToString() => $"offset {Offset}: {Message}";
}
