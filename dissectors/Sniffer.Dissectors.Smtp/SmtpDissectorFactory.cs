using System.Text;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Dissectors.Mail;

namespace Sniffer.Dissectors.Smtp;

/// <summary>SMTP (RFC 5321) and submission (RFC 6409): bound to 25 and 587, recognised by the greeting or EHLO/HELO on any port.</summary>
public sealed class SmtpDissectorFactory(MessageSummaryCache? summaries = null) : IDissectorFactory
{
    // Shared by the flows this factory's dissectors see, and with the other mail protocol's when the pipeline passes one.
    private readonly MessageSummaryCache _summaries = summaries ?? new MessageSummaryCache();

    public string Name => "smtp";

    /// <summary>25 relay (RFC 5321 §4.5.4) and 587 submission (RFC 6409 §3.1); 465 is implicit TLS and never shows SMTP.</summary>
    public IReadOnlyList<ushort> DefaultServerPorts { get; } = [25, 587];

    /// <summary>The server speaks first with 220 (RFC 5321 §3.1); a client that spoke first opens with EHLO or HELO (§4.1.1.1).</summary>
    public ProbeResult Probe(Direction direction, ReadOnlySpan<byte> firstBytes) =>
        direction == Direction.ServerToClient
            ? Prefix(firstBytes, "220 "u8, "220-"u8)
            : Prefix(firstBytes, "EHLO "u8, "HELO "u8);

    public IStreamDissector Create(FlowContext flow, IRecordSink sink, DissectorSettings settings) =>
        new SmtpStreamDissector(flow, sink, settings, _summaries);

    private static ProbeResult Prefix(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second) =>
        (Compare(bytes, first), Compare(bytes, second)) switch
        {
            (ProbeResult.Match, _) or (_, ProbeResult.Match) => ProbeResult.Match,
            (ProbeResult.NeedMoreData, _) or (_, ProbeResult.NeedMoreData) => ProbeResult.NeedMoreData,
            _ => ProbeResult.NoMatch,
        };

    private static ProbeResult Compare(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> expected)
    {
        int length = Math.Min(bytes.Length, expected.Length);
        if (!Ascii.EqualsIgnoreCase(bytes[..length], expected[..length])) return ProbeResult.NoMatch;
        return length == expected.Length ? ProbeResult.Match : ProbeResult.NeedMoreData;
    }
}
