using System.Text.RegularExpressions;

namespace Sniffer.Query;

/// <summary>
/// The filter language of the UI's filter bar and of <c>report --filter</c> / <c>export --filter</c> (LANGUAGE.md).
/// A hand-written recursive-descent parser over this grammar, loosest binding first:
/// <code>
/// filter     = or END
/// or         = and { ("||" | "or") and }
/// and        = unary { ("&amp;&amp;" | "and") unary }
/// unary      = ("!" | "not") unary | primary
/// primary    = "(" or ")" | FIELD [ operator value ]
/// operator   = "==" | "=" | "!=" | "&lt;" | "&lt;=" | "&gt;" | "&gt;=" | "~" | "matches" | "contains"
/// value      = WORD | "quoted string" | /regex/
/// </code>
/// </summary>
public static class FilterExpression
{
    /// <summary>Parses <paramref name="text"/>; throws <see cref="FilterSyntaxException"/> naming the column at fault.</summary>
    public static Filter Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(FilterLexer.Tokenize(text));
        if (parser.Current.Kind == TokenKind.End) throw new FilterSyntaxException("the filter is empty", 0);
        FilterNode root = parser.ParseOr();
        if (parser.Current.Kind != TokenKind.End)
            throw new FilterSyntaxException(parser.Current.Kind == TokenKind.CloseParen ? "')' without a matching '('" : $"expected && or || before '{parser.Current.Text}'", parser.Current.Position);
        return new Filter(root);
    }

    /// <summary>Parses, or returns false with the error: for a filter bar that checks as the user types.</summary>
    public static bool TryParse(string text, out Filter? filter, out FilterSyntaxException? error)
    {
        try
        {
            filter = Parse(text);
            error = null;
            return true;
        }
        catch (FilterSyntaxException syntax)
        {
            filter = null;
            error = syntax;
            return false;
        }
    }

    private sealed class Parser(List<Token> tokens)
    {
        private int _next;

        public Token Current => tokens[_next];

        private Token Take() => tokens[_next++];

        public FilterNode ParseOr()
        {
            FilterNode left = ParseAnd();
            while (IsConnective(TokenKind.Or, "or"))
            {
                Take();
                left = new OrNode(left, ParseAnd());
            }
            return left;
        }

        private FilterNode ParseAnd()
        {
            FilterNode left = ParseUnary();
            while (IsConnective(TokenKind.And, "and"))
            {
                Take();
                left = new AndNode(left, ParseUnary());
            }
            return left;
        }

        private FilterNode ParseUnary()
        {
            if (IsConnective(TokenKind.Not, "not"))
            {
                Take();
                return new NotNode(ParseUnary());
            }
            return ParsePrimary();
        }

        private FilterNode ParsePrimary()
        {
            Token token = Take();
            switch (token.Kind)
            {
                case TokenKind.OpenParen:
                    FilterNode inner = ParseOr();
                    if (Current.Kind != TokenKind.CloseParen)
                        throw new FilterSyntaxException(Current.Kind == TokenKind.End ? "missing ')'" : $"expected ')' before '{Current.Text}'", Current.Position);
                    Take();
                    return inner;
                case TokenKind.Word:
                    return ParseComparison(token);
                case TokenKind.End:
                    throw new FilterSyntaxException("the filter ends where a field was expected", token.Position);
                default:
                    throw new FilterSyntaxException($"expected a field name, not '{token.Text}'", token.Position);
            }
        }

        private FilterNode ParseComparison(Token name)
        {
            FieldDefinition field = FieldCatalogue.Find(name.Text)
                ?? throw new FilterSyntaxException($"unknown field '{name.Text}'{Suggestion(name.Text)}", name.Position);
            if (!TryTakeOperator(out ComparisonOperator op, out Token opToken))
            {
                if (Current.Kind is TokenKind.End or TokenKind.CloseParen or TokenKind.And or TokenKind.Or || IsConnective(TokenKind.Or, "or") || IsConnective(TokenKind.And, "and"))
                    return new PresenceNode(field);
                throw new FilterSyntaxException($"expected an operator (== != < <= > >= ~) after '{name.Text}'", Current.Position);
            }
            Token value = Take();
            if (value.Kind is not (TokenKind.Word or TokenKind.QuotedString or TokenKind.Regex))
                throw new FilterSyntaxException($"expected a value after '{opToken.Text}'", value.Position);
            return new ComparisonNode(field, op, Value(field, op, opToken, value));
        }

        private static FilterValue Value(FieldDefinition field, ComparisonOperator op, Token opToken, Token value)
        {
            bool regex = value.Kind == TokenKind.Regex || opToken.Text.Equals("matches", StringComparison.OrdinalIgnoreCase);
            if (field.Type != FieldType.Text)
            {
                if (op == ComparisonOperator.Matches)
                    throw new FilterSyntaxException($"'{opToken.Text}' compares text; {field.Name} is {Literals.Article(field.Type)}", opToken.Position);
                if (value.Kind == TokenKind.Regex)
                    throw new FilterSyntaxException($"{field.Name} is {Literals.Article(field.Type)}, not text: a regular expression cannot match it", value.Position);
                long number = Literals.Convert(field, value.Text, out string? error);
                if (error is not null) throw new FilterSyntaxException(error, value.Position);
                return new IntegerValue(number, value.Text);
            }
            if (regex && op != ComparisonOperator.Matches)
                throw new FilterSyntaxException($"a regular expression needs '~' or 'matches', not '{opToken.Text}'", value.Position);
            if (!regex) return new TextValue(value.Text);
            try
            {
                _ = new Regex(value.Text);
            }
            catch (ArgumentException bad)
            {
                throw new FilterSyntaxException($"bad regular expression: {bad.Message}", value.Position);
            }
            return new RegexValue(value.Text);
        }

        private bool TryTakeOperator(out ComparisonOperator op, out Token token)
        {
            token = Current;
            ComparisonOperator? found = token.Kind switch
            {
                TokenKind.Operator => token.Text switch
                {
                    "==" or "=" => ComparisonOperator.Equal,
                    "!=" => ComparisonOperator.NotEqual,
                    "<" => ComparisonOperator.Less,
                    "<=" => ComparisonOperator.LessOrEqual,
                    ">" => ComparisonOperator.Greater,
                    ">=" => ComparisonOperator.GreaterOrEqual,
                    "~" => ComparisonOperator.Matches,
                    _ => throw new FilterSyntaxException($"'{token.Text}' is not an operator", token.Position),
                },
                TokenKind.Word when token.Text.Equals("matches", StringComparison.OrdinalIgnoreCase)
                    || token.Text.Equals("contains", StringComparison.OrdinalIgnoreCase) => ComparisonOperator.Matches,
                _ => null,
            };
            op = found.GetValueOrDefault();
            if (found is null) return false;
            Take();
            return true;
        }

        private bool IsConnective(TokenKind symbol, string keyword) =>
            Current.Kind == symbol || (Current.Kind == TokenKind.Word && Current.Text.Equals(keyword, StringComparison.OrdinalIgnoreCase));

        /// <summary>" (did you mean 'http.host'?)" for the closest known name within a typo or two, if there is one.</summary>
        private static string Suggestion(string name)
        {
            string typed = name.ToLowerInvariant();
            int allowed = typed.Length <= 5 ? 1 : 2;
            FieldDefinition? near = FieldCatalogue.All
                .Select(f => (Field: f, Distance: f.Aliases.Prepend(f.Name).Min(n => EditDistance(n, typed))))
                .Where(c => c.Distance <= allowed)
                .OrderBy(c => c.Distance)
                .Select(c => c.Field)
                .FirstOrDefault();
            return near is null ? " (LANGUAGE.md lists the fields)" : $" (did you mean '{near.Name}'?)";
        }

        /// <summary>Edits between two names, a swap of neighbours counting as one (optimal string alignment).</summary>
        private static int EditDistance(string a, string b)
        {
            var d = new int[a.Length + 1, b.Length + 1];
            for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
            for (int j = 0; j <= b.Length; j++) d[0, j] = j;
            for (int i = 1; i <= a.Length; i++)
            {
                for (int j = 1; j <= b.Length; j++)
                {
                    int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                    if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
            return d[a.Length, b.Length];
        }
    }
}
