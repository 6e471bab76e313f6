namespace Sniffer.Dissectors.Imap.Parsing;

/// <summary>
/// A token or a parenthesized list of values: the shape every IMAP data item takes (RFC 9051 §4.4), read from
/// the flat tokens of a line so FETCH, LIST, STATUS and ENVELOPE can be walked as trees.
/// </summary>
public sealed class ImapValue
{
    private ImapValue(ImapToken? token, IReadOnlyList<ImapValue>? items)
    {
        Token = token;
        Items = items ?? [];
    }

    /// <summary>The token, or null for a list.</summary>
    public ImapToken? Token { get; }

    /// <summary>The members of a list; empty for a token.</summary>
    public IReadOnlyList<ImapValue> Items { get; }

    public bool IsList => Token is null;

    public bool IsNil => Token is { IsNil: true };

    /// <summary>The text of an atom or string, null for NIL or a list.</summary>
    public string? Text => Token is { } token && !token.IsNil ? token.StringValue : null;

    public ImapLiteral? Literal => Token?.Literal;

    public long? Number => long.TryParse(Text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long n) ? n : null;

    public ImapValue? ItemAt(int index) => index < Items.Count ? Items[index] : null;

    /// <summary>Values from <paramref name="start"/> to the end of the line; an unmatched ")" ends nothing, an unclosed "(" ends at the line's end.</summary>
    public static List<ImapValue> Parse(IReadOnlyList<ImapToken> tokens, int start)
    {
        int index = start;
        return ParseList(tokens, ref index, nested: false);
    }

    private static List<ImapValue> ParseList(IReadOnlyList<ImapToken> tokens, ref int index, bool nested)
    {
        var values = new List<ImapValue>();
        while (index < tokens.Count)
        {
            ImapToken token = tokens[index++];
            switch (token.Kind)
            {
                case ImapTokenKind.OpenParen:
                    values.Add(new ImapValue(null, ParseList(tokens, ref index, nested: true)));
                    break;
                case ImapTokenKind.CloseParen:
                    if (nested) return values;
                    break;
                default:
                    values.Add(new ImapValue(token, null));
                    break;
            }
        }
        return values;
    }

    public override string ToString() => IsList ? "(" + string.Join(' ', Items) + ")" : Token!.Value.ToString();
}
