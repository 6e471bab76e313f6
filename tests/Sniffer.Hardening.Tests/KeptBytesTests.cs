using Sniffer.Core.IO;

namespace Sniffer.Hardening.Tests;

/// <summary>
/// <see cref="KeptBytes"/> keeps what HTTP bodies and mail messages hold. An announced length is a peer's claim:
/// believed for the first array only up to a bound, never for what is kept, which is always exactly what arrived
/// under the cap.
/// </summary>
public sealed class KeptBytesTests
{
    [Theory]
    [InlineData(null, 100)]
    [InlineData(100L, 100)]
    [InlineData(10L, 100)] // announced too little
    [InlineData(1000L, 100)] // announced too much: the peer stopped early
    [InlineData(1L << 40, 100)] // announced absurdly much
    [InlineData(null, 300_000)]
    [InlineData(300_000L, 300_000)]
    [InlineData(5_000_000L, 5_000_000)] // more than is presized on trust
    public void Keeps_exactly_what_arrived_whatever_was_announced(long? announced, int sent)
    {
        byte[] content = new byte[sent];
        new Random(sent).NextBytes(content);
        var kept = new KeptBytes(cap: 16 << 20, announced);
        for (int offset = 0; offset < sent; offset += 1448)
        {
            int size = Math.Min(1448, sent - offset);
            Assert.Equal(size, kept.Append(content.AsSpan(offset, size)));
        }
        Assert.Equal(sent, kept.Count);
        byte[] detached = kept.Detach();
        Assert.Equal(content, detached);
        Assert.Equal(0, kept.Count);
    }

    [Fact]
    public void Stops_at_the_cap_and_says_how_much_it_took()
    {
        var kept = new KeptBytes(cap: 1000, announcedLength: 5000);
        Assert.Equal(600, kept.Append(new byte[600]));
        Assert.Equal(400, kept.Append(Enumerable.Repeat((byte)7, 600).ToArray()));
        Assert.Equal(0, kept.Append(new byte[10]));
        byte[] detached = kept.Detach();
        Assert.Equal(1000, detached.Length);
        Assert.All(detached[600..], b => Assert.Equal(7, b));
    }

    [Fact]
    public void An_announced_length_that_was_met_is_handed_over_without_a_copy()
    {
        var kept = new KeptBytes(cap: 1 << 20, announcedLength: 3000);
        kept.Append(new byte[1448]);
        ReadOnlySpan<byte> before = kept.Written;
        kept.Append(new byte[1552]);
        byte[] detached = kept.Detach();
        // The array written into from the first byte is the one handed over: no copy for a body of known length.
        Assert.Equal(3000, detached.Length);
        Assert.True(System.Runtime.CompilerServices.Unsafe.AreSame(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(before), ref detached[0]));
    }

    [Fact]
    public void Released_content_starts_again_empty()
    {
        var kept = new KeptBytes(cap: 100, announcedLength: null);
        kept.Append([1, 2, 3]);
        kept.Release();
        Assert.Equal(0, kept.Count);
        kept.Append([4]);
        Assert.Equal([4], kept.Detach());
    }
}
