namespace Sniffer.Dissectors.Smtp.Records;

/// <summary>
/// One client command (or the end of a message's content, verb "."), with the reply the server paired with it
/// and the latency from the command's first byte to the reply's first byte. Replies pair with commands in
/// order, which is what makes PIPELINING work (RFC 2920 §3).
/// </summary>
public sealed class SmtpCommand
{
    /// <summary>Upper-case verb ("EHLO", "MAIL", "BDAT"…); "." for the end of DATA content; empty for a line that is no command.</summary>
    public required string Verb { get; init; }

    /// <summary>The argument as sent, as safe text; secrets (AUTH initial responses) masked unless ShowSecrets.</summary>
    public string Argument { get; init; } = "";

    public long TimeNs { get; init; }

    public SmtpReply? Reply { get; internal set; }

    /// <summary>Replies that came before the final one (334 challenges of AUTH, 354 of DATA).</summary>
    public IReadOnlyList<SmtpReply> IntermediateReplies => _intermediate;

    public long? LatencyNs { get; internal set; }

    /// <summary>Part of a group sent before the previous command's reply arrived (RFC 2920 pipelining).</summary>
    public bool Pipelined { get; internal set; }

    private readonly List<SmtpReply> _intermediate = [];

    internal void AddIntermediate(SmtpReply reply) => _intermediate.Add(reply);

    public override string ToString() => Argument.Length == 0 ? Verb : $"{Verb} {Argument}";
}
