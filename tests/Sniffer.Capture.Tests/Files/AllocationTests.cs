using Sniffer.Capture.Files;
using Sniffer.Core.Packets;
using Sniffer.TestSupport.CaptureFiles;

namespace Sniffer.Capture.Tests.Files;

/// <summary>
/// Reading allocates nothing per frame once running: the property, not a timing. Each file spans several read
/// buffers so refills and compaction are part of what is measured.
/// </summary>
public sealed class AllocationTests
{
    private const int FrameCount = 20_000;
    private const long AllowedBytes = 1024;

    [Fact]
    public void Steady_state_pcap_reading_allocates_nothing_per_frame()
    {
        var builder = new PcapFileBuilder();
        for (int i = 0; i < FrameCount; i++) builder.AddPacket(new byte[150 + i % 7], (uint)i, 0);

        Assert.InRange(AllocatedWhileReading(builder.ToArray()), 0, AllowedBytes);
    }

    [Fact]
    public void Steady_state_pcapng_reading_allocates_nothing_per_frame()
    {
        PcapNgFileBuilder builder = new PcapNgFileBuilder().AddSection().AddInterface(LinkType.Ethernet).AddInterface(LinkType.Raw, timestampResolution: 0x80 | 30);
        for (int i = 0; i < FrameCount; i++)
        {
            builder.AddEnhancedPacket((uint)(i % 2), (ulong)i << 20, new byte[150 + i % 7]);
            if (i % 100 == 0) builder.AddBlock(PcapNgFileBuilder.InterfaceStatisticsBlockType, new byte[12]);
        }

        Assert.InRange(AllocatedWhileReading(builder.ToArray()), 0, AllowedBytes);
    }

    private static long AllocatedWhileReading(byte[] content)
    {
        using TemporaryFile file = TemporaryFile.WithContent(content);
        // A first pass takes the one-time costs (JIT tiers, first use of each block kind) out of what is measured;
        // on a loaded machine they landed in the measured loop and read as thousands of bytes.
        using (CaptureFileReader warmUp = CaptureFileReader.Open(file.Path))
        {
            while (warmUp.TryReadNext(out _)) { }
        }
        using CaptureFileReader reader = CaptureFileReader.Open(file.Path);
        long checksum = 0;
        Assert.True(reader.TryReadNext(out CaptureFrame first));
        checksum += first.Data.Length;

        long before = GC.GetAllocatedBytesForCurrentThread();
        while (reader.TryReadNext(out CaptureFrame frame)) checksum += frame.Data.Length + frame.TimestampNs;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(FrameCount, reader.FramesRead);
        Assert.NotEqual(0, checksum);
        return allocated;
    }
}
