using Sniffer.Core.Flows;

namespace Sniffer.Reassembly;

/// <summary>The flow table's key: both endpoints in a fixed order, so either direction's packets find the same flow, plus the VLAN.</summary>
internal readonly record struct FlowTableKey(NetworkEndpoint Lower, NetworkEndpoint Upper, ushort VlanId)
{
    public static FlowTableKey Of(NetworkEndpoint source, NetworkEndpoint destination, ushort vlanId) =>
        Precedes(source, destination) ? new(source, destination, vlanId) : new(destination, source, vlanId);

    // The traffic chooses addresses and ports, so an unseeded hash would let it craft colliding flows and
    // turn every lookup into a chain walk; the seed is drawn per process, as HashCode's is.
    private static readonly ulong Seed = (ulong)Random.Shared.NextInt64();

    // Every packet looks its flow up: compare and hash the raw lanes rather than field by field through
    // the generated members, which hash each UInt128 with its own HashCode.Combine.
    public bool Equals(FlowTableKey other) =>
        Lower.Address == other.Lower.Address && Upper.Address == other.Upper.Address
        && Lower.Port == other.Lower.Port && Upper.Port == other.Upper.Port && VlanId == other.VlanId
        && Lower.IsIPv6 == other.Lower.IsIPv6 && Upper.IsIPv6 == other.Upper.IsIPv6;

    public override int GetHashCode()
    {
        // Multiply-xor over the 64-bit lanes: each product carries every bit seen so far into its high half, which is kept.
        const ulong Multiplier = 0x9E3779B97F4A7C15UL;
        ulong hash = Seed ^ ((ulong)Lower.Port << 48 | (ulong)Upper.Port << 32 | (ulong)VlanId << 16 | (Lower.IsIPv6 ? 1UL : 0UL));
        hash = (hash ^ (ulong)Lower.Address) * Multiplier;
        hash = (hash ^ (ulong)(Lower.Address >> 64)) * Multiplier;
        hash = (hash ^ (ulong)Upper.Address) * Multiplier;
        hash = (hash ^ (ulong)(Upper.Address >> 64)) * Multiplier;
        return (int)(hash >> 32);
    }

    private static bool Precedes(NetworkEndpoint a, NetworkEndpoint b) =>
        a.IsIPv6 != b.IsIPv6 ? !a.IsIPv6 : a.Address != b.Address ? a.Address < b.Address : a.Port <= b.Port;
}
