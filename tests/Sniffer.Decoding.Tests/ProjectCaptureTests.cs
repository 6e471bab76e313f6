using Sniffer.Core.Packets;
using Sniffer.TestSupport;
using Xunit;
using static Sniffer.Decoding.Tests.CaptureDecoding;

namespace Sniffer.Decoding.Tests;

public sealed class ProjectCaptureTests
{
    /// <summary>The project's own synthesised captures (always present): every frame is TCP, VLAN ids kept.</summary>
    [Theory]
    [InlineData("tcp/http-keepalive.pcap", 0)]
    [InlineData("tcp/ipv6.pcap", 0)]
    [InlineData("tcp/vlan.pcap", 42)]
    [InlineData("tcp/snaplen-truncated.pcap", 0)]
    public void Project_captures_decode_every_frame_to_tcp(string capture, int vlanId)
    {
        var vlanIds = new HashSet<int>();
        CaptureSummary summary = DecodeCapture(Path.Combine(RepositoryPaths.Captures, capture),
            (in CaptureFrame _, DecodeResult _, in TcpSegment segment) => vlanIds.Add(segment.VlanId));

        Assert.Equal(summary.Counters.Frames, summary.Counters.TcpSegments);
        Assert.Equal([vlanId], vlanIds);
    }
}
