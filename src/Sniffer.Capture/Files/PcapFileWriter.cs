using System.Buffers.Binary;
using Sniffer.Core.Packets;

namespace Sniffer.Capture.Files;

/// <summary>
/// Writes classic pcap (draft-ietf-opsawg-pcap), little-endian, version 2.4: what tcpdump and Wireshark read
/// everywhere. Frames longer than the snaplen are cut to it, as libpcap does when capturing.
/// </summary>
public sealed class PcapFileWriter : IDisposable
{
    /// <summary>libpcap's largest snaplen for ordinary link types (MAXIMUM_SNAPLEN).</summary>
    public const int DefaultSnapLength = 262_144;

    private const int FileHeaderLength = 24;
    private const int RecordHeaderLength = 16;
    private const long NanosecondsPerSecond = 1_000_000_000;
    private const int FileBufferSize = 1 << 20;

    private readonly Stream _destination;
    private readonly bool _leaveOpen;
    private readonly int _snapLength;
    private readonly long _nanosecondsPerFractionUnit;
    private bool _disposed;

    /// <summary>Writes the file header to <paramref name="destination"/>; records follow as they are written.</summary>
    public PcapFileWriter(Stream destination, LinkType linkType, int snapLength = DefaultSnapLength,
        PcapTimestampPrecision precision = PcapTimestampPrecision.Microseconds, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(snapLength);
        _destination = destination;
        _leaveOpen = leaveOpen;
        _snapLength = snapLength;
        _nanosecondsPerFractionUnit = precision == PcapTimestampPrecision.Nanoseconds ? 1 : 1000;

        Span<byte> header = stackalloc byte[FileHeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(header,
            precision == PcapTimestampPrecision.Nanoseconds ? PcapRecordDecoder.NanosecondMagic : PcapRecordDecoder.MicrosecondMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        // Bytes 8–15 (formerly thiszone and sigfigs) are reserved and written as zero.
        header[8..16].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], (uint)snapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], (uint)linkType);
        _destination.Write(header);
    }

    /// <summary>Frames written so far.</summary>
    public long FramesWritten { get; private set; }

    /// <summary>Creates (or truncates) <paramref name="path"/> and writes the file header.</summary>
    public static PcapFileWriter Create(string path, LinkType linkType, int snapLength = DefaultSnapLength,
        PcapTimestampPrecision precision = PcapTimestampPrecision.Microseconds)
    {
        var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, FileBufferSize);
        try
        {
            return new PcapFileWriter(file, linkType, snapLength, precision);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Appends one frame.</summary>
    /// <param name="data">The captured bytes; cut to the snaplen.</param>
    /// <param name="originalLength">The frame's length on the wire; at least <c>data.Length</c>.</param>
    /// <param name="timestampNs">Unix nanoseconds; pcap stores unsigned 32-bit seconds, so 1970 to 2106.</param>
    public void Write(ReadOnlySpan<byte> data, int originalLength, long timestampNs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfLessThan(originalLength, data.Length);
        ArgumentOutOfRangeException.ThrowIfNegative(timestampNs);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(timestampNs / NanosecondsPerSecond, uint.MaxValue, nameof(timestampNs));

        ReadOnlySpan<byte> captured = data.Length > _snapLength ? data[.._snapLength] : data;
        Span<byte> header = stackalloc byte[RecordHeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)(timestampNs / NanosecondsPerSecond));
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)(timestampNs % NanosecondsPerSecond / _nanosecondsPerFractionUnit));
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], (uint)captured.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], (uint)originalLength);
        _destination.Write(header);
        _destination.Write(captured);
        FramesWritten++;
    }

    public void Flush() => _destination.Flush();

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _destination.Flush();
        if (!_leaveOpen) _destination.Dispose();
    }
}
