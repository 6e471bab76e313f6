using System.Buffers;
using System.Threading.Channels;
using SharpPcap;
using SharpPcap.LibPcap;
using Sniffer.Capture.Files;
using Sniffer.Core.Packets;

namespace Sniffer.Capture.Live;

public sealed record LiveCaptureOptions
{
    public required string InterfaceName { get; init; }

    /// <summary>BPF capture filter in libpcap syntax; null captures everything.</summary>
    public string? Filter { get; init; }

    public int Snaplen { get; init; } = 262_144;

    public bool Promiscuous { get; init; }

    /// <summary>libpcap's buffer. The default (2 MB) silently lost half of a loopback burst here; 64 MB did not.</summary>
    public int BufferBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>Most packets waiting between libpcap's thread and the analysis.</summary>
    public int QueuePackets { get; init; } = 65_536;

    /// <summary>Most bytes waiting between libpcap's thread and the analysis; past it packets are dropped and counted.</summary>
    public long QueueBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>
    /// A pcap file to save every packet to (tcpdump's -w), written on libpcap's thread before the analysis queue, so
    /// the file keeps every packet libpcap delivered even when the analysis falls behind and drops.
    /// </summary>
    public string? SaveTo { get; init; }

    /// <summary>Packets to take at most (tshark's -c): later ones are neither saved nor queued.</summary>
    public long? PacketLimit { get; init; }
}

/// <summary>A packet copied out of libpcap's buffer into a pooled array; the consumer gives it back with <see cref="LiveCapture.Return"/>.</summary>
public readonly struct CapturedPacket
{
    private readonly byte[] _buffer;

    internal CapturedPacket(byte[] buffer, int length, int originalLength, long timestampNs, long frameNumber)
    {
        _buffer = buffer;
        Length = length;
        OriginalLength = originalLength;
        TimestampNs = timestampNs;
        FrameNumber = frameNumber;
    }

    public int Length { get; }
    public int OriginalLength { get; }
    public long TimestampNs { get; }
    public long FrameNumber { get; }
    public ReadOnlySpan<byte> Data => _buffer.AsSpan(0, Length);

    public CaptureFrame AsFrame(LinkType linkType) => new(Data, OriginalLength, TimestampNs, linkType, FrameNumber);

    internal void ReturnBuffer() => ArrayPool<byte>.Shared.Return(_buffer);
}

/// <summary>Packet counts at the end of (or during) a live capture, as tshark reports them.</summary>
public readonly record struct LiveCaptureCounters(
    long Received,
    long DroppedByUs,
    long KernelReceived,
    long DroppedByKernel,
    long DroppedByInterface,
    bool KernelStatisticsRead,
    long Saved);

/// <summary>
/// A running libpcap capture. The arrival callback saves each packet to the pcap file, if one was asked for, copies
/// it into a pooled buffer and hands it on through a bounded channel; analysis happens on the reader's thread, never
/// on libpcap's.
/// </summary>
public sealed class LiveCapture : IDisposable
{
    private readonly LibPcapLiveDevice _device;
    private readonly LiveCaptureOptions _options;
    private readonly Channel<CapturedPacket> _queue;
    private readonly TimestampResolution _resolution;
    private readonly PcapFileWriter? _file;
    private long _received;
    private long _saved;
    private string? _saveError;
    private long _droppedByUs;
    private long _queuedBytes;
    private ICaptureStatistics? _finalStatistics;
    private int _stopped;

    private LiveCapture(LibPcapLiveDevice device, LiveCaptureOptions options, TimestampResolution resolution, PcapFileWriter? file)
    {
        _device = device;
        _options = options;
        _resolution = resolution;
        _file = file;
        _queue = Channel.CreateBounded<CapturedPacket>(new BoundedChannelOptions(options.QueuePackets)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait, // only TryWrite is used: a full queue drops and counts
        });
        LinkType = (LinkType)(ushort)device.LinkType;
    }

    public LinkType LinkType { get; }

    public string InterfaceName => _device.Name;

    public int Snaplen => _options.Snaplen;

    /// <summary>Packets in arrival order; completes after <see cref="Stop"/>.</summary>
    public ChannelReader<CapturedPacket> Packets => _queue.Reader;

    /// <summary>Packets this capture takes at most (<see cref="LiveCaptureOptions.PacketLimit"/>), or null.</summary>
    public long? PacketLimit => _options.PacketLimit;

    /// <summary>Packets taken from libpcap so far (saved, queued or dropped by the queue); cheaper than <see cref="Counters"/>.</summary>
    public long PacketsTaken => Interlocked.Read(ref _received);

    /// <summary>Why saving to <see cref="LiveCaptureOptions.SaveTo"/> stopped (a full disk…), or null while it works.</summary>
    public string? SaveError => Volatile.Read(ref _saveError);

    /// <summary>Opens the interface, applies the filter and starts capturing; every failure is a <see cref="CaptureSetupException"/>.</summary>
    public static LiveCapture Start(LiveCaptureOptions options)
    {
        LibPcapLiveDevice device = LiveInterfaces.Find(options.InterfaceName);
        var resolution = TimestampResolution.Nanosecond;
        var configuration = new DeviceConfiguration
        {
            Snaplen = options.Snaplen,
            Mode = options.Promiscuous ? DeviceModes.Promiscuous : DeviceModes.None,
            BufferSize = options.BufferBytes,
            ReadTimeout = 100,
            Immediate = true,
            TimestampResolution = resolution,
        };
        // Nanosecond stamps are optional in libpcap; without a subscriber SharpPcap throws instead of falling back.
        configuration.ConfigurationFailed += (_, failure) =>
        {
            if (failure.Property == nameof(DeviceConfiguration.TimestampResolution)) resolution = TimestampResolution.Microsecond;
        };
        try
        {
            device.Open(configuration);
        }
        catch (Exception error) when (error is PcapException or PlatformNotSupportedException || LiveInterfaces.IsLibpcapMissing(error))
        {
            throw LiveInterfaces.Explain(error, options.InterfaceName);
        }

        try
        {
            if (!string.IsNullOrWhiteSpace(options.Filter)) device.Filter = options.Filter;
        }
        catch (PcapException error)
        {
            device.Close();
            throw new CaptureSetupException($"invalid capture filter '{options.Filter}': {error.Message.Trim()}", error);
        }

        PcapFileWriter? file = null;
        try
        {
            if (options.SaveTo is { } path) file = PcapFileWriter.Create(path, (LinkType)(ushort)device.LinkType, options.Snaplen);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            device.Close();
            throw new CaptureSetupException($"cannot write {options.SaveTo}: {error.Message}", error);
        }
        var capture = new LiveCapture(device, options, resolution, file);
        device.OnPacketArrival += capture.OnPacketArrival;
        device.StartCapture();
        return capture;
    }

    public LiveCaptureCounters Counters
    {
        get
        {
            ICaptureStatistics? statistics = _finalStatistics ?? TryReadStatistics();
            return new LiveCaptureCounters(
                Interlocked.Read(ref _received),
                Interlocked.Read(ref _droppedByUs),
                statistics?.ReceivedPackets ?? 0,
                statistics?.DroppedPackets ?? 0,
                statistics?.InterfaceDroppedPackets ?? 0,
                statistics is not null,
                Interlocked.Read(ref _saved));
        }
    }

    /// <summary>Stops libpcap, reads its final drop counters, completes <see cref="Packets"/> and flushes the saved file. Idempotent.</summary>
    public void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        try
        {
            _device.StopCapture();
            _finalStatistics = TryReadStatistics();
        }
        finally
        {
            _device.OnPacketArrival -= OnPacketArrival;
            _queue.Writer.TryComplete();
            // libpcap's thread has ended, so nothing writes to the file any more.
            Guarded(() => _file?.Flush());
        }
    }

    public void Dispose()
    {
        Stop();
        _device.Close();
        Guarded(() => _file?.Dispose());
        while (_queue.Reader.TryRead(out CapturedPacket left)) Return(left);
    }

    /// <summary>The consumer is done with a packet: its buffer goes back to the pool and its bytes to the queue budget.</summary>
    public void Return(in CapturedPacket packet)
    {
        Interlocked.Add(ref _queuedBytes, -packet.Length);
        packet.ReturnBuffer();
    }

    private void OnPacketArrival(object sender, PacketCapture capture)
    {
        // Only libpcap's thread increments the count, so checking it first is not a race.
        if (_options.PacketLimit is { } limit && Interlocked.Read(ref _received) >= limit) return;
        long frameNumber = Interlocked.Increment(ref _received);
        ReadOnlySpan<byte> data = capture.Data;
        var header = (PcapHeader)capture.Header;
        long timestampNs = ToUnixNanoseconds(header.Timeval);
        // Saved before the queue can refuse it: the file is the record of what crossed the wire (tcpdump -w writes
        // in its capture loop the same way); a slow disk makes libpcap's buffer fill, and the kernel counts those drops.
        if (_file is not null && SaveError is null) Save(_file, data, (int)header.PacketLength, timestampNs);
        if (Interlocked.Read(ref _queuedBytes) + data.Length > _options.QueueBytes)
        {
            Interlocked.Increment(ref _droppedByUs);
            return;
        }
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(data.Length, 1));
        data.CopyTo(buffer);
        var packet = new CapturedPacket(buffer, data.Length, (int)header.PacketLength, timestampNs, frameNumber);
        if (_queue.Writer.TryWrite(packet))
        {
            Interlocked.Add(ref _queuedBytes, data.Length);
            return;
        }
        Interlocked.Increment(ref _droppedByUs);
        packet.ReturnBuffer();
    }

    private void Save(PcapFileWriter file, ReadOnlySpan<byte> data, int originalLength, long timestampNs)
    {
        try
        {
            file.Write(data, originalLength, timestampNs);
            Interlocked.Increment(ref _saved);
        }
        catch (Exception error) when (IsFileError(error))
        {
            SaveFailed(error);
        }
    }

    /// <summary>Runs a file operation at the end; a failure (a full disk) is kept as <see cref="SaveError"/>.</summary>
    private void Guarded(Action fileOperation)
    {
        try
        {
            fileOperation();
        }
        catch (Exception error) when (IsFileError(error))
        {
            SaveFailed(error);
        }
    }

    private static bool IsFileError(Exception error) => error is IOException or UnauthorizedAccessException;

    // A failure stops saving with its reason instead of ending libpcap's thread; the first reason is the one kept.
    private void SaveFailed(Exception error) =>
        Interlocked.CompareExchange(ref _saveError, $"saving to {_options.SaveTo} stopped: {error.Message}", null);

    private long ToUnixNanoseconds(PosixTimeval timeval) =>
        _resolution == TimestampResolution.Nanosecond
            ? (long)(timeval.Value * 1_000_000_000m)
            : (long)timeval.Seconds * 1_000_000_000 + (long)timeval.MicroSeconds * 1_000;

    private ICaptureStatistics? TryReadStatistics()
    {
        try
        {
            return _device.Opened ? _device.Statistics : null;
        }
        catch (PcapException)
        {
            return null;
        }
    }
}
