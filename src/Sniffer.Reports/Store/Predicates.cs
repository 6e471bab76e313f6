using LiteDB;

namespace Sniffer.Reports.Store;

/// <summary>
/// Combines LiteDB predicates keeping their parameters. LiteDB's own <c>Query.And</c> joins the sources' text and
/// drops their parameters, so a filter translated with parameters (<c>$.status = @p0</c>) would compare with null.
/// </summary>
public static class Predicates
{
    public static BsonExpression? And(BsonExpression? left, BsonExpression? right)
    {
        if (left is null) return right;
        if (right is null) return left;
        var parameters = new BsonDocument();
        string leftSource = Rename(left, "l", parameters), rightSource = Rename(right, "r", parameters);
        return BsonExpression.Create($"({leftSource}) AND ({rightSource})", parameters);
    }

    /// <summary>The source with each parameter @name renamed @{prefix}_name (longest names first, so @p1 never eats @p10).</summary>
    private static string Rename(BsonExpression expression, string prefix, BsonDocument parameters)
    {
        string source = expression.Source;
        foreach (var (name, value) in expression.Parameters.OrderByDescending(p => p.Key.Length))
        {
            source = source.Replace("@" + name, $"@{prefix}_{name}", StringComparison.Ordinal);
            parameters[$"{prefix}_{name}"] = value;
        }
        return source;
    }
}
