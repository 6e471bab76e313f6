using Sniffer.Core.Flows;

namespace Sniffer.Core.Dissection;

/// <summary>The outcome of a cheap look at the first bytes of one direction.</summary>
public enum ProbeResult
{
    /// <summary>These bytes cannot start this protocol.</summary>
    NoMatch,

    /// <summary>Too few bytes to tell.</summary>
    NeedMoreData,

    /// <summary>These bytes start this protocol in this direction.</summary>
    Match,
}

/// <summary>
/// Describes a protocol (Wireshark's register phase): its name, the server ports it is bound to by
/// default and a probe that recognises it by content on any port. The registry does the binding.
/// A third-party plug-in implements this in its own assembly with a public parameterless constructor.
/// </summary>
public interface IDissectorFactory
{
    /// <summary>Lower-case protocol name used in <c>--map PORT=NAME</c>, filters and records ("http").</summary>
    string Name { get; }

    IReadOnlyList<ushort> DefaultServerPorts { get; }

    /// <summary>Looks at up to the first few hundred bytes of one direction. Must not allocate or keep the span.</summary>
    ProbeResult Probe(Direction direction, ReadOnlySpan<byte> firstBytes);

    IStreamDissector Create(FlowContext flow, IRecordSink sink, DissectorSettings settings);
}
