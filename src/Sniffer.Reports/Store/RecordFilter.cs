using LiteDB;

namespace Sniffer.Reports.Store;

/// <summary>
/// Which records of each collection a report or export covers: a query per collection, or null for all of
/// them. Built from the filter language (<c>--filter</c>); <see cref="None"/> covers everything.
/// </summary>
public sealed class RecordFilter(Func<string, BsonExpression?> forCollection)
{
    public static RecordFilter None { get; } = new(_ => null);

    public BsonExpression? For(string collection) => forCollection(collection);
}
