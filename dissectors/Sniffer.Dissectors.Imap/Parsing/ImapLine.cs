namespace Sniffer.Dissectors.Imap.Parsing;

/// <summary>
/// One logical IMAP line: a command or a response, with the literals it embeds (RFC 9051 §2.2: a literal's
/// bytes and the text after it belong to the same command or response).
/// </summary>
public sealed class ImapLine
{
    internal ImapLine(string head, long startNs)
    {
        Head = head;
        StartNs = startNs;
    }

    public List<ImapToken> Tokens { get; } = [];

    /// <summary>The first physical line, without its line end, escaped for display.</summary>
    public string Head { get; }

    /// <summary>Capture time of the first byte.</summary>
    public long StartNs { get; }

    /// <summary>Capture time of the last byte.</summary>
    public long EndNs { get; internal set; }

    /// <summary>Bytes on the wire, literals included.</summary>
    public long Length { get; internal set; }

    /// <summary>True when a capture gap cut the line short: its tokens stop where the gap began.</summary>
    public bool Incomplete { get; internal set; }

    public IEnumerable<ImapLiteral> Literals => Tokens.Where(t => t.Literal is not null).Select(t => t.Literal!);

    public ImapToken? TokenAt(int index) => index < Tokens.Count ? Tokens[index] : null;
}
