namespace Sniffer.Core.IO;

/// <summary>
/// What all unfinished entities of an analysis (HTTP bodies, mail messages, IMAP literals) may keep together, as
/// Zeek bounds its reassembly and Suricata its stream memory (stream.reassembly.memcap). A per-entity cap alone
/// bounds nothing when every one of a million flows announces a large body and sends one byte of it: each would hold
/// an array sized for what it announced. An entity reserves each array before it allocates it and gives the
/// reservation back when it is finished (the bytes then belong to its record) or abandoned; once the budget is
/// spent, entities stop keeping and only count and hash, as past their own cap. Safe to share between threads.
/// </summary>
public sealed class KeptBytesBudget
{
    private long _heldBytes;

    public KeptBytesBudget(long maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        MaxBytes = maxBytes;
    }

    /// <summary>No bound: for a dissector driven on its own, outside a flow table.</summary>
    public static KeptBytesBudget Unlimited { get; } = new(long.MaxValue);

    public long MaxBytes { get; }

    /// <summary>Bytes reserved now by unfinished entities.</summary>
    public long HeldBytes => Volatile.Read(ref _heldBytes);

    /// <summary>Reserves <paramref name="bytes"/> if they fit under <see cref="MaxBytes"/>, all or nothing.</summary>
    public bool TryReserve(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        long held = Volatile.Read(ref _heldBytes);
        while (true)
        {
            if (bytes > MaxBytes - held) return false;
            long seen = Interlocked.CompareExchange(ref _heldBytes, held + bytes, held);
            if (seen == held) return true;
            held = seen;
        }
    }

    /// <summary>The detail of the anomaly (AnomalyKinds.KeptBytesLimit) for an entity that stopped keeping here.</summary>
    public string ExhaustedDetail(string entity, long keptBytes, long seenBytes) =>
        $"{entity}: kept {keptBytes} of {seenBytes} bytes; {Bound}, the rest is counted and hashed";

    /// <summary>The detail of the anomaly for state that could not be set up at all (a decoder, an inflater).</summary>
    public string NoRoomDetail(string what, string consequence) => $"no room to {what}: {Bound}; {consequence}";

    private string Bound => $"the unfinished entities of all flows keep at most {MaxBytes} bytes together";

    /// <summary>Gives back bytes reserved earlier.</summary>
    public void Return(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        long held = Interlocked.Add(ref _heldBytes, -bytes);
        if (held < 0) throw new InvalidOperationException($"returned {bytes} bytes more than were reserved");
    }
}
