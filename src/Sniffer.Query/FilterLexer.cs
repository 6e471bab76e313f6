using System.Text;

namespace Sniffer.Query;

internal enum TokenKind
{
    Word,
    QuotedString,
    Regex,
    Operator,
    And,
    Or,
    Not,
    OpenParen,
    CloseParen,
    End,
}

/// <summary>A token and where it starts; <see cref="Text"/> is unescaped for strings and regexes.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Position);

/// <summary>
/// Splits a filter into tokens. Keywords (<c>and</c>, <c>or</c>, <c>not</c>, <c>matches</c>) come out as words: only
/// the parser knows whether a word stands where an operator or a value belongs.
/// </summary>
internal static class FilterLexer
{
    /// <summary>Characters a bare word may hold besides letters and digits: enough for hosts, addresses, paths, MIME types.</summary>
    private const string WordPunctuation = "._-:@%+*#,/";

    public static bool IsWordCharacter(char c) => char.IsLetterOrDigit(c) || WordPunctuation.Contains(c);

    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        int i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i == text.Length)
            {
                tokens.Add(new Token(TokenKind.End, "", i));
                return tokens;
            }
            int start = i;
            char c = text[i];
            switch (c)
            {
                case '(': tokens.Add(new Token(TokenKind.OpenParen, "(", i++)); break;
                case ')': tokens.Add(new Token(TokenKind.CloseParen, ")", i++)); break;
                case '~': tokens.Add(new Token(TokenKind.Operator, "~", i++)); break;
                case '&' or '|':
                    if (i + 1 < text.Length && text[i + 1] == c)
                    {
                        tokens.Add(new Token(c == '&' ? TokenKind.And : TokenKind.Or, new string(c, 2), i));
                        i += 2;
                        break;
                    }
                    throw new FilterSyntaxException($"'{c}' alone is not an operator; write '{c}{c}'", i);
                case '!':
                    if (i + 1 < text.Length && text[i + 1] == '=')
                    {
                        tokens.Add(new Token(TokenKind.Operator, "!=", i));
                        i += 2;
                    }
                    else tokens.Add(new Token(TokenKind.Not, "!", i++));
                    break;
                case '=' or '<' or '>':
                    i++;
                    if (i < text.Length && text[i] == '=') i++;
                    tokens.Add(new Token(TokenKind.Operator, text[start..i], start));
                    break;
                case '"': tokens.Add(new Token(TokenKind.QuotedString, ReadDelimited(text, ref i, '"', keepOtherEscapes: false), start)); break;
                case '/': tokens.Add(new Token(TokenKind.Regex, ReadDelimited(text, ref i, '/', keepOtherEscapes: true), start)); break;
                default:
                    if (!IsWordCharacter(c)) throw new FilterSyntaxException($"unexpected character '{Printable(c)}'", i);
                    while (i < text.Length && IsWordCharacter(text[i])) i++;
                    tokens.Add(new Token(TokenKind.Word, text[start..i], start));
                    break;
            }
        }
    }

    /// <summary>
    /// A quoted string or a regex from its opening delimiter to the closing one. A backslash escapes the delimiter and
    /// itself; in a regex any other escape is kept whole for the regex engine (<c>\d</c>).
    /// </summary>
    private static string ReadDelimited(string text, ref int i, char delimiter, bool keepOtherEscapes)
    {
        int start = i++;
        var value = new StringBuilder();
        while (i < text.Length)
        {
            char c = text[i++];
            if (c == delimiter) return value.ToString();
            if (c == '\\' && i < text.Length)
            {
                char next = text[i++];
                if (next != delimiter && (keepOtherEscapes || next != '\\')) value.Append('\\');
                value.Append(next);
                continue;
            }
            value.Append(c);
        }
        string what = delimiter == '"' ? "string" : "regular expression";
        throw new FilterSyntaxException($"{what} starting here has no closing {delimiter}", start);
    }

    internal static string Printable(char c) => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString();
}
