using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Dissectors.Http.Parsing;

namespace Sniffer.Dissectors.Http;

/// <summary>HTTP/0.9–1.1 over TCP: bound to the usual web and proxy ports, and recognised by its first line on any port.</summary>
public sealed class HttpDissectorFactory : IDissectorFactory
{
    public string Name => "http";

    /// <summary>80 (RFC 9110 §4.2.1), the common alternates, and proxy ports (3128 Squid, 8118 Privoxy).</summary>
    public IReadOnlyList<ushort> DefaultServerPorts { get; } = [80, 8080, 8000, 8008, 8888, 3128, 8118];

    public ProbeResult Probe(Direction direction, ReadOnlySpan<byte> firstBytes) =>
        direction == Direction.ClientToServer
            ? HttpStartLineSniffer.RequestLine(firstBytes)
            : HttpStartLineSniffer.StatusLine(firstBytes);

    public IStreamDissector Create(FlowContext flow, IRecordSink sink, DissectorSettings settings) =>
        new HttpStreamDissector(flow, sink, settings);
}
