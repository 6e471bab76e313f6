using Sniffer.Core.Packets;
using Sniffer.Core.Records;
using Xunit;
using static Sniffer.Decoding.Tests.Packets;

namespace Sniffer.Decoding.Tests;

/// <summary>RFC 791 / RFC 815 (IPv4) and RFC 8200 §4.5 (IPv6) reassembly; every case runs for both versions.</summary>
public sealed class FragmentReassemblyTests
{
    private const long Second = 1_000_000_000;
    private const long Start = 1_700_000_000 * Second;

    private static readonly byte[] Body = Enumerable.Range(0, 100).Select(i => (byte)(i * 7)).ToArray();

    /// <summary>The transport bytes every test fragments: a 132-byte TCP segment.</summary>
    private static readonly byte[] Segment = TcpHeader(payload: Body);

    /// <summary>A raw IP packet carrying Segment[offset..offset+length], with optional replacement bytes.</summary>
    private static byte[] Fragment(int ipVersion, int offset, int length, bool more, uint identification = 0x4242, byte[]? content = null)
    {
        byte[] piece = content ?? Segment.AsSpan(offset, length).ToArray();
        return ipVersion == 6
            ? IPv6(Concat(IPv6FragmentHeader(Tcp, offset, more, identification), piece), nextHeader: IPv6Fragment)
            : IPv4(piece, Tcp, identification: (ushort)identification, moreFragments: more, fragmentOffset: offset);
    }

    private static byte[] First(int v, uint id = 0x4242) => Fragment(v, 0, 48, more: true, id);
    private static byte[] Middle(int v, uint id = 0x4242) => Fragment(v, 48, 48, more: true, id);
    private static byte[] Last(int v, uint id = 0x4242) => Fragment(v, 96, 36, more: false, id);

    private static void AssertReassembled(DecoderHarness harness, DecodedSegment? segment)
    {
        Assert.NotNull(segment);
        Assert.Equal(Body, segment.Payload);
        Assert.Equal(1000u, segment.Sequence);
        Assert.Equal(1, harness.Decoder.Counters.DatagramsReassembled);
        Assert.Equal(0, harness.Decoder.FragmentDatagramsInFlight);
        Assert.Equal(0, harness.Decoder.FragmentBytesBuffered);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public void In_order_fragments_reassemble(int v)
    {
        var harness = new DecoderHarness();

        Assert.Equal(DecodeResult.FragmentHeld, harness.Decode(First(v), LinkType.Raw, out _));
        Assert.Equal(DecodeResult.FragmentHeld, harness.Decode(Middle(v), LinkType.Raw, out _));
        Assert.Equal(DecodeResult.Tcp, harness.Decode(Last(v), LinkType.Raw, out DecodedSegment? segment));

        AssertReassembled(harness, segment);
        Assert.Equal(3, harness.Decoder.Counters.FragmentsReceived);
        Assert.Equal(1, harness.Decoder.Counters.TcpSegments);
        Assert.Empty(harness.Sink.Anomalies);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public void Out_of_order_fragments_reassemble(int v)
    {
        var harness = new DecoderHarness();

        Assert.Equal(DecodeResult.FragmentHeld, harness.Decode(Last(v), LinkType.Raw, out _));
        Assert.Equal(DecodeResult.FragmentHeld, harness.Decode(First(v), LinkType.Raw, out _));
        Assert.Equal(DecodeResult.Tcp, harness.Decode(Middle(v), LinkType.Raw, out DecodedSegment? segment));

        AssertReassembled(harness, segment);
        Assert.Empty(harness.Sink.Anomalies);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public void Duplicate_fragments_pass_silently(int v)
    {
        var harness = new DecoderHarness();

        harness.Decode(Middle(v), LinkType.Raw, out _);
        harness.Decode(Middle(v), LinkType.Raw, out _);
        harness.Decode(First(v), LinkType.Raw, out _);
        Assert.Equal(DecodeResult.Tcp, harness.Decode(Last(v), LinkType.Raw, out DecodedSegment? segment));

        AssertReassembled(harness, segment);
        Assert.Empty(harness.Sink.Anomalies);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public void Overlap_with_different_bytes_keeps_the_first_and_is_reported(int v)
    {
        var harness = new DecoderHarness();
        byte[] forged = Segment.AsSpan(40, 56).ToArray();
        forged.AsSpan(0, 8).Fill(0xEE); // rewrites bytes 40..48, already received in the first fragment

        harness.Decode(First(v), LinkType.Raw, out _);
        harness.Decode(Fragment(v, 40, 56, more: true, content: forged), LinkType.Raw, out _);
        Assert.Equal(DecodeResult.Tcp, harness.Decode(Last(v), LinkType.Raw, out DecodedSegment? segment));

        AssertReassembled(harness, segment);
        Assert.Equal([AnomalyKinds.FragmentOverlap], harness.Sink.Kinds);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public void Disagreeing_last_fragments_are_inconsistent(int v)
    {
        var harness = new DecoderHarness();

        harness.Decode(Last(v), LinkType.Raw, out _);
        Assert.Equal(DecodeResult.FragmentHeld, harness.Decode(Fragment(v, 96, 20, more: false), LinkType.Raw, out _));
        Assert.Equal(DecodeResult.FragmentHeld, harness.Decode(Fragment(v, 128, 8, more: true, content: new byte[8]), LinkType.Raw, out _));
        harness.Decode(First(v), LinkType.Raw, out _);
        Assert.Equal(DecodeResult.Tcp, harness.Decode(Middle(v), LinkType.Raw, out DecodedSegment? segment));

        AssertReassembled(harness, segment);
        Assert.Equal([AnomalyKinds.FragmentInconsistent, AnomalyKinds.FragmentInconsistent], harness.Sink.Kinds);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public void Non_final_fragment_not_a_multiple_of_eight_is_inconsistent(int v)
    {
        var harness = new DecoderHarness();

        Assert.Equal(DecodeResult.FragmentHeld, harness.Decode(Fragment(v, 0, 45, more: true), LinkType.Raw, out _));

        Assert.Equal([AnomalyKinds.FragmentInconsistent], harness.Sink.Kinds);
        Assert.Equal(0, harness.Decoder.FragmentDatagramsInFlight);
    }

    [Theory]
    [InlineData(4, 30)]
    [InlineData(6, 60)]
    public void Incomplete_datagrams_time_out_and_free_their_buffers(int v, int timeoutSeconds)
    {
        var harness = new DecoderHarness();
        harness.Decode(First(v), LinkType.Raw, out _, timestampNs: Start);
        harness.Decode(Last(v), LinkType.Raw, out _, timestampNs: Start + Second);
        Assert.True(harness.Decoder.FragmentBytesBuffered > 0);

        Assert.Equal(0, harness.Decoder.ExpireFragments(Start + timeoutSeconds * Second));
        Assert.Equal(1, harness.Decoder.ExpireFragments(Start + timeoutSeconds * Second + 1));

        Assert.Equal(0, harness.Decoder.FragmentDatagramsInFlight);
        Assert.Equal(0, harness.Decoder.FragmentBytesBuffered);
        Assert.Equal(1, harness.Decoder.Counters.DatagramsAbandoned);
        Assert.Equal([AnomalyKinds.FragmentTimeout], harness.Sink.Kinds);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public void A_fragment_after_the_deadline_starts_a_new_datagram(int v)
    {
        var harness = new DecoderHarness();
        harness.Decode(First(v), LinkType.Raw, out _, timestampNs: Start);
        harness.Decode(Middle(v), LinkType.Raw, out _, timestampNs: Start + 61 * Second);

        Assert.Equal(DecodeResult.FragmentHeld, harness.Decode(Last(v), LinkType.Raw, out _, timestampNs: Start + 62 * Second));
        Assert.Equal(DecodeResult.Tcp, harness.Decode(First(v), LinkType.Raw, out DecodedSegment? segment, timestampNs: Start + 63 * Second));

        AssertReassembled(harness, segment);
        Assert.Equal([AnomalyKinds.FragmentTimeout], harness.Sink.Kinds);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public void Fragments_beyond_the_datagram_size_limit_are_dropped(int v)
    {
        var harness = new DecoderHarness(DecoderSettings.Default with { MaxBytesPerDatagram = 100 });

        Assert.Equal(DecodeResult.FragmentHeld, harness.Decode(Last(v), LinkType.Raw, out _));

        Assert.Equal([AnomalyKinds.FragmentLimit], harness.Sink.Kinds);
        Assert.Equal(0, harness.Decoder.FragmentDatagramsInFlight);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public void Too_many_datagrams_in_flight_evicts_the_oldest(int v)
    {
        var harness = new DecoderHarness(DecoderSettings.Default with { MaxFragmentDatagramsInFlight = 2 });

        for (uint id = 1; id <= 3; id++) harness.Decode(First(v, id), LinkType.Raw, out _, timestampNs: Start + id * Second);

        Assert.Equal(2, harness.Decoder.FragmentDatagramsInFlight);
        Assert.Equal([AnomalyKinds.FragmentLimit], harness.Sink.Kinds);
        Assert.Contains("id 1:", harness.Sink.Anomalies[0].Detail);
        // The survivors still complete.
        harness.Decode(Middle(v, 3), LinkType.Raw, out _);
        Assert.Equal(DecodeResult.Tcp, harness.Decode(Last(v, 3), LinkType.Raw, out _));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public void Total_buffer_limit_evicts_the_oldest(int v)
    {
        var harness = new DecoderHarness(DecoderSettings.Default with { MaxBytesPerDatagram = 132, MaxFragmentBytesTotal = 200 });

        harness.Decode(Last(v, 1), LinkType.Raw, out _, timestampNs: Start);
        harness.Decode(Last(v, 2), LinkType.Raw, out _, timestampNs: Start + Second);

        Assert.Equal(1, harness.Decoder.FragmentDatagramsInFlight);
        Assert.True(harness.Decoder.FragmentBytesBuffered <= 200);
        Assert.Equal([AnomalyKinds.FragmentLimit], harness.Sink.Kinds);
        harness.Decode(First(v, 2), LinkType.Raw, out _);
        Assert.Equal(DecodeResult.Tcp, harness.Decode(Middle(v, 2), LinkType.Raw, out DecodedSegment? segment));
        AssertReassembled(harness, segment);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public void A_fragment_cut_by_the_snaplen_is_truncated(int v)
    {
        var harness = new DecoderHarness();
        byte[] first = First(v);

        Assert.Equal(DecodeResult.Truncated, harness.Decode(first[..^10], LinkType.Raw, out _, originalLength: first.Length));
        Assert.Equal(0, harness.Decoder.FragmentDatagramsInFlight);
    }

    [Fact]
    public void Reassembled_segment_keeps_the_vlan_of_its_last_frame()
    {
        var harness = new DecoderHarness();
        byte[] Tagged(byte[] ip) => Ethernet(0x8100, Concat(VlanTag(12, EtherTypeIPv4), ip));

        harness.Decode(Tagged(First(4)), LinkType.Ethernet, out _);
        harness.Decode(Tagged(Middle(4)), LinkType.Ethernet, out _);
        Assert.Equal(DecodeResult.Tcp, harness.Decode(Tagged(Last(4)), LinkType.Ethernet, out DecodedSegment? segment));

        AssertReassembled(harness, segment);
        Assert.Equal(12, segment!.VlanId);
    }

    [Fact]
    public void Ipv4_datagrams_sharing_an_identification_are_told_apart_by_protocol()
    {
        var harness = new DecoderHarness();
        byte[] udp = UdpHeader(53, 53, new byte[40]);

        harness.Decode(First(4), LinkType.Raw, out _);
        harness.Decode(IPv4(udp[..24], Udp, identification: 0x4242, moreFragments: true), LinkType.Raw, out _);
        harness.Decode(Middle(4), LinkType.Raw, out _);
        Assert.Equal(DecodeResult.Udp, harness.Decode(IPv4(udp[24..], Udp, identification: 0x4242, fragmentOffset: 24), LinkType.Raw, out _));
        Assert.Equal(DecodeResult.Tcp, harness.Decode(Last(4), LinkType.Raw, out DecodedSegment? segment));

        Assert.Equal(Body, segment!.Payload);
        Assert.Empty(harness.Sink.Anomalies);
    }

    [Fact]
    public void Ipv6_takes_the_upper_protocol_from_the_first_fragment_only()
    {
        var harness = new DecoderHarness();
        // RFC 8200 §4.5: Next Header values of later fragments may differ and are ignored.
        byte[] lastNamingUdp = IPv6(Concat(IPv6FragmentHeader(Udp, 96, false, 0x4242), Segment[96..]), nextHeader: IPv6Fragment);

        harness.Decode(lastNamingUdp, LinkType.Raw, out _);
        harness.Decode(Middle(6), LinkType.Raw, out _);
        Assert.Equal(DecodeResult.Tcp, harness.Decode(First(6), LinkType.Raw, out DecodedSegment? segment));

        AssertReassembled(harness, segment);
    }
}
