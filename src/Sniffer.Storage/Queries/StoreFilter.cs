using LiteDB;
using Sniffer.Query;
using Sniffer.Storage.Mapping;

namespace Sniffer.Storage.Queries;

/// <summary>A filter names a field the collection being filtered does not hold.</summary>
public sealed class StoreFilterException(string message) : ArgumentException(message);

/// <summary>
/// Translates a parsed filter (Sniffer.Query) into a LiteDB predicate over one collection's documents. Equality and
/// ranges on a stored field are written as <c>$.field op @p</c>, so when the filter is a chain of <c>&amp;&amp;</c>
/// LiteDB seeks an index (host, status, uri, ts, flow, kind…) for one of them and checks the rest on the rows it
/// finds; <c>||</c>, <c>!</c>, <c>~</c> and computed fields (durations) are checked row by row. A comparison on a
/// value a document lacks is false (so <c>!</c> of it is true), which is why every term carries its own
/// <c>!= null</c> guard: LiteDB orders null below every number and would otherwise find it "&lt; 300".
/// </summary>
public static class StoreFilter
{
    /// <summary>
    /// The predicate for <paramref name="filter"/> over <paramref name="collection"/>. A field the collection does not
    /// hold is an error (<see cref="StoreFilterException"/>) rather than silently false, so a typo in a list's filter
    /// does not look like "no results"; callers filtering several collections ask <see cref="Applies"/> first.
    /// </summary>
    public static BsonExpression ToBsonExpression(Filter filter, string collection)
    {
        ArgumentNullException.ThrowIfNull(filter);
        IReadOnlyDictionary<FieldDefinition, StoredFieldPath> fields = StoreFieldMap.For(collection)
            ?? throw new StoreFilterException($"the '{collection}' collection cannot be filtered");
        var parameters = new BsonDocument();
        string text = new Translation(fields, collection, parameters).Write(filter.Root);
        return BsonExpression.Create(text, parameters);
    }

    /// <summary>Whether every field of <paramref name="filter"/> is held by <paramref name="collection"/>.</summary>
    public static bool Applies(Filter filter, string collection) =>
        StoreFieldMap.For(collection) is { } fields && filter.Fields.All(fields.ContainsKey);

    /// <summary>The fields a filter over <paramref name="collection"/> may use, for help texts and error messages.</summary>
    public static IReadOnlyList<FieldDefinition> FieldsOf(string collection) =>
        StoreFieldMap.For(collection)?.Keys.ToList() ?? [];

    private sealed class Translation(IReadOnlyDictionary<FieldDefinition, StoredFieldPath> fields, string collection, BsonDocument parameters)
    {
        public string Write(FilterNode node) => node switch
        {
            AndNode and => $"({Write(and.Left)} AND {Write(and.Right)})",
            OrNode or => $"({Write(or.Left)} OR {Write(or.Right)})",
            // LiteDB has no NOT; every term below is a true boolean (its null guards see to that), so "= false" negates it.
            NotNode not => $"({Write(not.Operand)}) = false",
            PresenceNode presence => Present(PathOf(presence.Field)),
            ComparisonNode comparison => Compare(PathOf(comparison.Field), comparison),
            _ => throw new ArgumentException($"unknown filter node {node.GetType().Name}", nameof(node)),
        };

        private StoredFieldPath PathOf(FieldDefinition field) => fields.TryGetValue(field, out StoredFieldPath? path)
            ? path
            : throw new StoreFilterException(
                $"{field.Name} is not a field of {collection} records; they have {string.Join(", ", fields.Keys.Select(f => f.Name))}");

        private static string Present(StoredFieldPath path) => path switch
        {
            StoredFieldPath.Scalar scalar => $"{scalar.Path} != null",
            StoredFieldPath.Elements elements => $"COUNT({elements.Expression}) > 0",
            StoredFieldPath.Computed computed => $"($.{computed.Left} != null AND $.{computed.Right} != null)",
            _ => throw new ArgumentException($"unknown field path {path.GetType().Name}", nameof(path)),
        };

        private string Compare(StoredFieldPath path, ComparisonNode comparison)
        {
            string op = Operator(comparison.Operator);
            return (path, comparison.Value) switch
            {
                (_, RegexValue regex) => Regex(path, regex.Pattern),
                (_, TextValue text) when comparison.Operator == ComparisonOperator.Matches => Contains(path, text.Text),
                (StoredFieldPath.Scalar scalar, TextValue text) when comparison.Operator == ComparisonOperator.Equal => TextEquals(scalar, text.Text),
                // The guard reads the whole value, not $.field: a "$.field != null" term would make LiteDB walk that
                // field's index and then sort every match, where the list's own order could stream the first page.
                (StoredFieldPath.Scalar scalar, TextValue text) => $"({scalar.WholeText} != null AND {scalar.WholeText} {op} {Parameter(text.Text)})",
                (StoredFieldPath.Scalar scalar, IntegerValue number) => $"({scalar.Path} != null AND {scalar.Path} {op} {Parameter(number.Value)})",
                (StoredFieldPath.Computed computed, IntegerValue number) => $"({Present(computed)} AND {computed.Expression} {op} {Parameter(number.Value)})",
                // Several values: true when one of them compares; "!=" means there are values and none is equal.
                (StoredFieldPath.Elements elements, _) when comparison.Operator == ComparisonOperator.NotEqual =>
                    $"({Present(elements)} AND ({elements.Expression} ANY = {Parameter(Constant(comparison.Value))}) = false)",
                (StoredFieldPath.Elements elements, _) => $"{elements.Expression} ANY {op} {Parameter(Constant(comparison.Value))}",
                _ => throw new StoreFilterException($"{comparison.Field.Name} cannot be compared with {comparison.Value}"),
            };
        }

        private static BsonValue Constant(FilterValue value) => value switch
        {
            TextValue text => text.Text,
            IntegerValue number => number.Value,
            _ => throw new ArgumentException($"no constant for {value.GetType().Name}", nameof(value)),
        };

        /// <summary>Through the index on the cut value; a value too long for it is checked again against the whole one.</summary>
        private string TextEquals(StoredFieldPath.Scalar scalar, string text) =>
            text.Length < Bson.IndexKeyLength
                ? $"{scalar.Path} = {Parameter(text)}"
                : $"({scalar.Path} = {Parameter(Bson.IndexKey(text))} AND {scalar.WholeText} = {Parameter(text)})";

        // Substrings compare lower-cased, as the store's collation compares equal strings ignoring case. INDEXOF rather
        // than LIKE, whose % and _ wildcards would need escaping that LiteDB does not offer.
        private string Contains(StoredFieldPath path, string text) =>
            Searched(path, $"INDEXOF(LOWER({Text(path)}), {Parameter(text.ToLowerInvariant())}) >= 0");

        // (?i): case-insensitive like "~" with text; (?m): with several values joined by newlines, ^ and $ anchor each one.
        private string Regex(StoredFieldPath path, string pattern) =>
            Searched(path, $"IS_MATCH({Text(path)}, {Parameter("(?im)" + pattern)}) = true");

        // A missing single value makes INDEXOF and IS_MATCH false by themselves, so it needs no guard (which, as
        // "$.field != null", would cost an index walk and a sort); missing multiple values join to "", which a
        // pattern like ^$ would match, so those keep theirs.
        private static string Searched(StoredFieldPath path, string test) =>
            path is StoredFieldPath.Elements ? $"({Present(path)} AND {test})" : test;

        private static string Text(StoredFieldPath path) => path switch
        {
            StoredFieldPath.Scalar scalar => scalar.WholeText,
            StoredFieldPath.Elements elements => $"JOIN({elements.Expression}, '\n')",
            _ => throw new StoreFilterException("only text fields can be searched with ~"),
        };

        private string Parameter(BsonValue value)
        {
            string name = "p" + parameters.Count;
            parameters[name] = value;
            return "@" + name;
        }

        private static string Operator(ComparisonOperator op) => op switch
        {
            ComparisonOperator.Equal => "=",
            ComparisonOperator.NotEqual => "!=",
            ComparisonOperator.Less => "<",
            ComparisonOperator.LessOrEqual => "<=",
            ComparisonOperator.Greater => ">",
            ComparisonOperator.GreaterOrEqual => ">=",
            _ => "~",
        };
    }
}
