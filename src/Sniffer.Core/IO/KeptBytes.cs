using System.Buffers;

namespace Sniffer.Core.IO;

/// <summary>
/// The first <c>cap</c> bytes of one entity that arrives in pieces (an HTTP body, a mail message, an IMAP literal).
/// One of announced length goes straight into an array of its final size, which <see cref="Detach"/> hands over
/// without copying; any other grows by doubling in pooled arrays and is copied once, into an exact-size array, at the
/// end. Either way no array is resized per packet, and what a record ends up holding is exactly the kept bytes.
/// Every array is reserved from a <see cref="KeptBytesBudget"/> shared by all entities of the analysis first; when it
/// is spent, keeping stops there (<see cref="BudgetExhausted"/>), as at the cap.
/// </summary>
public sealed class KeptBytes
{
    // An announced length is trusted up to this much before any byte arrives. The budget bounds what all entities
    // announcing and never sending may hold together; this bounds what one of them may take of it.
    private const int MaxPresizedBytes = 1024 * 1024;

    private const int MinPooledBytes = 4096;

    private readonly KeptBytesBudget _budget;
    private readonly int _announced;
    private int _cap;
    private byte[]? _buffer;
    private bool _pooled;
    private int _count;

    /// <param name="cap">Most bytes kept (<c>DissectorSettings.MaxBodyBytes</c>, <c>MaxMessageBytes</c>).</param>
    /// <param name="announcedLength">The length if known before the first byte (a Content-Length with no content coding).</param>
    /// <param name="budget">What every unfinished entity of the analysis may keep together (the flow's <c>FlowContext.KeptBytesBudget</c>).</param>
    public KeptBytes(long cap, long? announcedLength, KeptBytesBudget budget)
    {
        _budget = budget;
        _cap = (int)Math.Clamp(cap, 0, Array.MaxLength);
        _announced = announcedLength is long length && Math.Min(length, _cap) <= MaxPresizedBytes ? (int)Math.Min(length, _cap) : 0;
    }

    public int Count => _count;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _count);

    public KeptBytesBudget Budget => _budget;

    /// <summary>True once keeping stopped because the shared budget had no room for the next array.</summary>
    public bool BudgetExhausted { get; private set; }

    /// <summary>Keeps what fits under the cap and in the budget.</summary>
    /// <returns>How many of <paramref name="bytes"/> were kept: all of them until the cap or the budget is reached.</returns>
    public int Append(ReadOnlySpan<byte> bytes)
    {
        int take = Math.Min(bytes.Length, _cap - _count);
        if (take <= 0) return 0;
        if ((_buffer is null || _buffer.Length - _count < take) && !TryGrow(take))
        {
            // Keep what the arrays held already hold room for, and nothing after it: the kept bytes stay a prefix.
            take = Math.Min(take, (_buffer?.Length ?? 0) - _count);
            _cap = _count + take;
            if (take <= 0) return 0;
        }
        bytes[..take].CopyTo(_buffer.AsSpan(_count));
        _count += take;
        return take;
    }

    /// <summary>
    /// The kept bytes, exactly, now the record's rather than the budget's; the pooled buffer goes back to the pool and
    /// this instance is empty again.
    /// </summary>
    public byte[] Detach()
    {
        byte[] content = !_pooled && _buffer is not null && _count == _buffer.Length ? _buffer : Written.ToArray();
        Release();
        return content;
    }

    /// <summary>Drops the kept bytes and gives their reservation back. Every instance ends in this or <see cref="Detach"/>.</summary>
    public void Release()
    {
        if (_buffer is not null) _budget.Return(_buffer.Length);
        if (_pooled) ArrayPool<byte>.Shared.Return(_buffer!);
        _buffer = null;
        _pooled = false;
        _count = 0;
    }

    private bool TryGrow(int more)
    {
        int needed = _count + more;
        if (_buffer is null && needed <= _announced && _budget.TryReserve(_announced))
        {
            _buffer = GC.AllocateUninitializedArray<byte>(_announced);
            return true;
        }
        // Unknown or larger than announced: double in the pool, up to the cap.
        int size = (int)Math.Min(_cap, Math.Max(needed, Math.Max(MinPooledBytes, 2L * (_buffer?.Length ?? 0))));
        byte[] grown = ArrayPool<byte>.Shared.Rent(size);
        if (!_budget.TryReserve(grown.Length))
        {
            ArrayPool<byte>.Shared.Return(grown);
            BudgetExhausted = true;
            return false;
        }
        Written.CopyTo(grown);
        int count = _count;
        Release();
        _buffer = grown;
        _pooled = true;
        _count = count;
        return true;
    }
}
