using Sniffer.Core.IO;

namespace Sniffer.Hardening.Tests;

/// <summary>
/// <see cref="KeptBytes"/> keeps what HTTP bodies, mail messages and IMAP literals hold. An announced length is a
/// peer's claim: believed for the first array only up to a bound and as far as the budget all entities share allows,
/// never for what is kept, which is always exactly what arrived under the cap and the budget.
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
        var kept = new KeptBytes(cap: 16 << 20, announced, KeptBytesBudget.Unlimited);
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
        var kept = new KeptBytes(cap: 1000, announcedLength: 5000, KeptBytesBudget.Unlimited);
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
        var kept = new KeptBytes(cap: 1 << 20, announcedLength: 3000, KeptBytesBudget.Unlimited);
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
        var kept = new KeptBytes(cap: 100, announcedLength: null, KeptBytesBudget.Unlimited);
        kept.Append([1, 2, 3]);
        kept.Release();
        Assert.Equal(0, kept.Count);
        kept.Append([4]);
        Assert.Equal([4], kept.Detach());
    }

    [Fact]
    public void Every_array_is_reserved_from_the_budget_and_given_back_when_the_bytes_are_detached()
    {
        var budget = new KeptBytesBudget(1 << 20);
        var announced = new KeptBytes(cap: 16 << 20, announcedLength: 3000, budget);
        var unknown = new KeptBytes(cap: 16 << 20, announcedLength: null, budget);

        announced.Append(new byte[100]);
        unknown.Append(new byte[5000]);

        // The announced one holds its whole presized array; the other a pooled one of at least what arrived.
        Assert.InRange(budget.HeldBytes, 3000 + 5000, 3000 + 8192);
        Assert.Equal(100, announced.Detach().Length);
        Assert.Equal(5000, unknown.Detach().Length);
        Assert.Equal(0, budget.HeldBytes);
    }

    [Fact]
    public void A_spent_budget_stops_keeping_at_a_prefix_and_says_so()
    {
        var budget = new KeptBytesBudget(12 * 1024);
        byte[] content = new byte[20_000];
        new Random(5).NextBytes(content);
        var kept = new KeptBytes(cap: 16 << 20, announcedLength: null, budget);

        int total = 0;
        for (int offset = 0; offset < content.Length; offset += 1448) total += kept.Append(content.AsSpan(offset, Math.Min(1448, content.Length - offset)));

        // 4 KB, then 8 KB held while the 4 KB is copied over: the next doubling (16 KB) does not fit in 12 KB, so the
        // 8 KB array is filled and nothing more is taken, even bytes that would fit in a later, smaller append.
        Assert.True(kept.BudgetExhausted);
        Assert.Equal(8192, total);
        Assert.Equal(0, kept.Append(new byte[1]));
        Assert.Equal(content[..8192], kept.Detach());
        Assert.Equal(0, budget.HeldBytes);
    }

    [Fact]
    public void An_announced_length_the_budget_cannot_hold_grows_from_a_small_array_instead()
    {
        var budget = new KeptBytesBudget(64 * 1024);
        var kept = new KeptBytes(cap: 16 << 20, announcedLength: 1_000_000, budget);

        Assert.Equal(10, kept.Append(new byte[10]));

        Assert.False(kept.BudgetExhausted);
        Assert.InRange(budget.HeldBytes, 10, 4096);
        kept.Release();
        Assert.Equal(0, budget.HeldBytes);
    }

    [Fact]
    public void The_budget_reserves_all_or_nothing_and_never_past_its_bound_under_threads()
    {
        var budget = new KeptBytesBudget(100_000);
        Assert.False(budget.TryReserve(100_001));
        Assert.Equal(0, budget.HeldBytes);

        long peak = 0;
        Parallel.For(0, 4, worker =>
        {
            var random = new Random(worker);
            for (int i = 0; i < 20_000; i++)
            {
                long bytes = random.Next(1, 30_000);
                if (!budget.TryReserve(bytes)) continue;
                long held = budget.HeldBytes;
                InterlockedMax(ref peak, held);
                budget.Return(bytes);
            }
        });

        Assert.InRange(peak, 1, 100_000);
        Assert.Equal(0, budget.HeldBytes);
        Assert.Throws<InvalidOperationException>(() => budget.Return(1));
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long seen = Volatile.Read(ref target);
        while (value > seen)
        {
            long previous = Interlocked.CompareExchange(ref target, value, seen);
            if (previous == seen) return;
            seen = previous;
        }
    }
}
