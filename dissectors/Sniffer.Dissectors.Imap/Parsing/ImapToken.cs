namespace Sniffer.Dissectors.Imap.Parsing;

/// <summary>What an <see cref="ImapToken"/> is (RFC 9051 §4: atom, number, string, parenthesized list, NIL).</summary>
public enum ImapTokenKind : byte
{
    /// <summary>An atom, a number, NIL, a flag (<c>\Seen</c>) or a fetch attribute with its section (<c>BODY[HEADER.FIELDS (FROM)]&lt;0&gt;</c>).</summary>
    Atom,

    /// <summary>A quoted string, its escapes undone (RFC 9051 §4.3).</summary>
    Quoted,

    /// <summary>A literal, synchronising, non-synchronising (RFC 7888) or literal8 (RFC 3516); its bytes are in <see cref="ImapToken.Literal"/>.</summary>
    Literal,

    OpenParen,
    CloseParen,
}

/// <summary>One token of a logical IMAP line.</summary>
public readonly record struct ImapToken(ImapTokenKind Kind, string Text, ImapLiteral? Literal = null)
{
    public bool IsAtom(string value) => Kind == ImapTokenKind.Atom && Text.Equals(value, StringComparison.OrdinalIgnoreCase);

    /// <summary>NIL is an atom; the quoted string "NIL" is not (RFC 9051 §4.5).</summary>
    public bool IsNil => IsAtom("NIL");

    /// <summary>The value of a string token (quoted or literal), or of an atom used as an astring.</summary>
    public string StringValue => Literal?.Text ?? Text;

    public override string ToString() => Kind switch
    {
        ImapTokenKind.Quoted => $"\"{Text}\"",
        ImapTokenKind.Literal => Literal!.Kind switch
        {
            ImapLiteralKind.NonSynchronizing => $"{{{Literal.DeclaredLength}+}}",
            ImapLiteralKind.Binary => $"~{{{Literal.DeclaredLength}}}",
            _ => $"{{{Literal.DeclaredLength}}}",
        },
        _ => Text,
    };
}
