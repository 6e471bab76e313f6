using System.Text;

namespace Sniffer.Query;

/// <summary>
/// The canonical text of a filter tree: canonical field names, <c>&amp;&amp; || ! ~</c>, and only the parentheses
/// the tree needs, so that parsing the text gives the same tree back.
/// </summary>
internal static class FilterPrinter
{
    private const int OrLevel = 1;
    private const int AndLevel = 2;
    private const int UnaryLevel = 3;

    public static string Print(FilterNode node) => node switch
    {
        // Both connectives are left-associative: a right operand of the same kind needs its parentheses back.
        OrNode or => $"{Operand(or.Left, OrLevel)} || {Operand(or.Right, OrLevel + 1)}",
        AndNode and => $"{Operand(and.Left, AndLevel)} && {Operand(and.Right, AndLevel + 1)}",
        NotNode not => "!" + Operand(not.Operand, UnaryLevel),
        PresenceNode presence => presence.Field.Name,
        ComparisonNode comparison => $"{comparison.Field.Name} {Symbol(comparison.Operator)} {Print(comparison.Value)}",
        _ => throw new ArgumentException($"unknown filter node {node.GetType().Name}", nameof(node)),
    };

    private static string Operand(FilterNode node, int minimumLevel) => Level(node) < minimumLevel ? $"({Print(node)})" : Print(node);

    private static int Level(FilterNode node) => node switch
    {
        OrNode => OrLevel,
        AndNode => AndLevel,
        _ => UnaryLevel,
    };

    private static string Symbol(ComparisonOperator op) => op switch
    {
        ComparisonOperator.Equal => "==",
        ComparisonOperator.NotEqual => "!=",
        ComparisonOperator.Less => "<",
        ComparisonOperator.LessOrEqual => "<=",
        ComparisonOperator.Greater => ">",
        ComparisonOperator.GreaterOrEqual => ">=",
        _ => "~",
    };

    private static string Print(FilterValue value) => value switch
    {
        TextValue text => Word(text.Text),
        IntegerValue number => Word(number.Text),
        RegexValue regex => "/" + regex.Pattern.Replace("/", "\\/") + "/",
        _ => throw new ArgumentException($"unknown filter value {value.GetType().Name}", nameof(value)),
    };

    private static readonly string[] Keywords = ["and", "or", "not", "matches", "contains"];

    /// <summary>Bare when the lexer would read it back as one word; quoted (with \" and \\ escaped) otherwise.</summary>
    private static string Word(string text)
    {
        bool bare = text.Length > 0 && text[0] != '/' && text.All(FilterLexer.IsWordCharacter)
            && !Keywords.Contains(text, StringComparer.OrdinalIgnoreCase);
        if (bare) return text;
        var quoted = new StringBuilder("\"");
        foreach (char c in text)
        {
            if (c is '"' or '\\') quoted.Append('\\');
            quoted.Append(c);
        }
        return quoted.Append('"').ToString();
    }
}
