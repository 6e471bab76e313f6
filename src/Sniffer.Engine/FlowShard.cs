using Sniffer.Core.Flows;

namespace Sniffer.Engine;

/// <summary>
/// Which worker (or process, or machine) a TCP flow belongs to: a hash of its 4-tuple and VLAN that is the same for
/// both directions, as Suricata's and Zeek's cluster load balancers use, so one flow's packets always meet in one place.
/// <para>
/// The hash is fixed and unseeded (FNV-1a, 64 bits) so that a splitter in another process or on another machine can
/// compute it too (SCALING.md spells it out). Traffic could be crafted to land on one shard; that costs balance, not
/// correctness, and each worker's flow table keeps its own seeded hash against collisions.
/// </para>
/// </summary>
public static class FlowShard
{
    private const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    /// <summary>The shard, 0 ≤ result &lt; <paramref name="shards"/>, of the flow between two endpoints, whichever sent the packet.</summary>
    public static int Of(NetworkEndpoint source, NetworkEndpoint destination, ushort vlanId, int shards) =>
        (int)(Hash(source, destination, vlanId) % (ulong)shards);

    /// <summary>
    /// FNV-1a over the lower endpoint (by address, then port), then the higher one, then the VLAN id. Each endpoint is its
    /// address as a 128-bit integer (an IPv4 address in the low 32 bits) in little-endian byte order, then its port in
    /// little-endian order; the VLAN id is two little-endian bytes.
    /// </summary>
    public static ulong Hash(NetworkEndpoint source, NetworkEndpoint destination, ushort vlanId)
    {
        bool sourceFirst = source.Address != destination.Address ? source.Address < destination.Address : source.Port <= destination.Port;
        (NetworkEndpoint lower, NetworkEndpoint upper) = sourceFirst ? (source, destination) : (destination, source);
        ulong hash = OffsetBasis;
        hash = Mix(hash, (ulong)lower.Address, 8);
        hash = Mix(hash, (ulong)(lower.Address >> 64), 8);
        hash = Mix(hash, lower.Port, 2);
        hash = Mix(hash, (ulong)upper.Address, 8);
        hash = Mix(hash, (ulong)(upper.Address >> 64), 8);
        hash = Mix(hash, upper.Port, 2);
        return Mix(hash, vlanId, 2);
    }

    private static ulong Mix(ulong hash, ulong value, int bytes)
    {
        for (int i = 0; i < bytes; i++)
        {
            hash = (hash ^ (byte)(value >> (8 * i))) * Prime;
        }
        return hash;
    }
}
