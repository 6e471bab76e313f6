namespace Sniffer.Dissectors.Imap.Parsing;

/// <summary>
/// A token or a parenthesized list of values: the shape every IMAP data item takes (RFC 9051 §4.4), read from
/// the flat tokens of a line so FETCH, LIST, STATUS and ENVELOPE can be walked as trees.
/// </summary>
/// <remarks>
/// A struct, held inline in its list's array: a FETCH line of nested ENVELOPE lists has a value per token, and an
/// object per value was the IMAP dissector's largest allocation. The default value is an absent one (what
/// <c>ElementAtOrDefault</c> gives past a list's end): no text, no items, neither NIL nor a list.
/// </remarks>
public readonly struct ImapValue
{
    private readonly ImapToken _token;
    private readonly ImapValue[]? _items;

    private ImapValue(ImapToken token) => _token = token;

    private ImapValue(ImapValue[] items) => _items = items;

    /// <summary>The token, or null for a list.</summary>
    public ImapToken? Token => _items is null ? _token : null;

    /// <summary>The members of a list; empty for a token.</summary>
    public IReadOnlyList<ImapValue> Items => _items ?? [];

    public bool IsList => _items is not null;

    public bool IsNil => _items is null && _token.Text is not null && _token.IsNil;

    /// <summary>The text of an atom or string, null for NIL or a list.</summary>
    public string? Text => _items is null && _token.Text is not null && !_token.IsNil ? _token.StringValue : null;

    public ImapLiteral? Literal => _items is null ? _token.Literal : null;

    public long? Number => long.TryParse(Text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long n) ? n : null;

    public ImapValue? ItemAt(int index) => _items is not null && index < _items.Length ? _items[index] : null;

    /// <summary>Values from <paramref name="start"/> to the end of the line; an unmatched ")" ends nothing, an unclosed "(" ends at the line's end.</summary>
    public static IReadOnlyList<ImapValue> Parse(IReadOnlyList<ImapToken> tokens, int start)
    {
        // Members are gathered on one stack shared by every level of nesting; a list, once closed, takes its members
        // off it into an array of exactly their number, so a FETCH line of nested ENVELOPE lists allocates no list that
        // grows and no spare capacity.
        ImapValue[] stack = ParseStack ??= new ImapValue[64];
        int depth = 0;
        Span<int> opened = stackalloc int[MaxNesting];
        int count = 0;
        int highWater = 0;
        int overflowDepth = 0;
        for (int index = start; index < tokens.Count; index++)
        {
            ImapToken token = tokens[index];
            switch (token.Kind)
            {
                case ImapTokenKind.OpenParen when depth < MaxNesting:
                    opened[depth++] = count;
                    break;
                case ImapTokenKind.OpenParen:
                    // Deeper than any IMAP data item nests: flattened into the deepest list, as a parser with a
                    // recursion bound would, rather than a stack overflow on hostile input.
                    overflowDepth++;
                    break;
                case ImapTokenKind.CloseParen when overflowDepth > 0:
                    overflowDepth--;
                    break;
                case ImapTokenKind.CloseParen when depth > 0:
                    CloseList(ref stack, ref count, ref highWater, opened[--depth]);
                    break;
                case ImapTokenKind.CloseParen:
                    break;
                default:
                    Push(ref stack, ref count, ref highWater, new ImapValue(token));
                    break;
            }
        }
        // Lists never closed end with the line, innermost first.
        while (depth > 0) CloseList(ref stack, ref count, ref highWater, opened[--depth]);
        ImapValue[] values = stack.AsSpan(0, count).ToArray();
        // Everything ever pushed goes, not only what is left: a value popped into a list still pointed at its token,
        // and a literal's token at the message it holds.
        stack.AsSpan(0, highWater).Clear();
        ParseStack = stack;
        return values;
    }

    private const int MaxNesting = 256;

    // One per thread: parsing a line never yields to another, and flows are dissected on one worker each.
    [ThreadStatic]
    private static ImapValue[]? ParseStack;

    /// <summary>The members pushed since the list opened at <paramref name="first"/> become one list value in their place.</summary>
    private static void CloseList(ref ImapValue[] stack, ref int count, ref int highWater, int first)
    {
        ImapValue list = new(stack.AsSpan(first, count - first).ToArray());
        count = first;
        Push(ref stack, ref count, ref highWater, list);
    }

    private static void Push(ref ImapValue[] stack, ref int count, ref int highWater, ImapValue value)
    {
        if (count == stack.Length) Array.Resize(ref stack, stack.Length * 2);
        stack[count++] = value;
        highWater = Math.Max(highWater, count);
    }

    public override string ToString() => _items is not null ? "(" + string.Join(' ', _items) + ")" : _token.ToString();
}
