using System.Text;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Dissectors.Mail;
using Sniffer.Dissectors.Imap.Parsing;

namespace Sniffer.Dissectors.Imap;

/// <summary>IMAP4rev1/rev2 over TCP: bound to port 143 (RFC 9051 §1) and recognised by the greeting or a first command on any port.</summary>
public sealed class ImapDissectorFactory(MessageSummaryCache? summaries = null) : IDissectorFactory
{
    // Shared by the flows this factory's dissectors see, and with the other mail protocol's when the pipeline passes one.
    private readonly MessageSummaryCache _summaries = summaries ?? new MessageSummaryCache();

    public string Name => "imap";

    /// <summary>143 only: 993 is IMAP inside TLS from the first byte (RFC 8314 §3.3), opaque to a passive observer.</summary>
    public IReadOnlyList<ushort> DefaultServerPorts { get; } = [143];

    /// <summary>
    /// The server speaks first with <c>* OK</c>, <c>* PREAUTH</c> or <c>* BYE</c> (RFC 9051 §7.1.1); a client's first line is
    /// <c>tag SP command</c>.
    /// </summary>
    public ProbeResult Probe(Direction direction, ReadOnlySpan<byte> firstBytes)
    {
        int lineEnd = firstBytes.IndexOf((byte)'\n');
        ReadOnlySpan<byte> line = lineEnd < 0 ? firstBytes : firstBytes[..lineEnd];
        if (direction == Direction.ServerToClient)
        {
            bool couldBe = false;
            foreach (string greeting in Greetings)
            {
                if (line.Length >= greeting.Length && Ascii.EqualsIgnoreCase(line[..greeting.Length], greeting)) return ProbeResult.Match;
                couldBe |= line.Length < greeting.Length && Ascii.EqualsIgnoreCase(line, greeting.AsSpan(0, line.Length));
            }
            return couldBe && lineEnd < 0 ? ProbeResult.NeedMoreData : ProbeResult.NoMatch;
        }
        if (ImapLineSniffer.StartsLine(ImapLineKind.Command, line)) return ProbeResult.Match;
        return lineEnd < 0 && line.Length < 32 ? ProbeResult.NeedMoreData : ProbeResult.NoMatch;
    }

    private static readonly string[] Greetings = ["* OK", "* PREAUTH", "* BYE"];

    public IStreamDissector Create(FlowContext flow, IRecordSink sink, DissectorSettings settings) =>
        new ImapStreamDissector(flow, sink, settings, _summaries);
}
