using LiteDB;
using Sniffer.Query;
using Sniffer.Storage.Queries;

namespace Sniffer.Reports.Store;

/// <summary>
/// Which records of each collection a report or export covers, from the filter language (<c>--filter</c>,
/// src/Sniffer.Query/LANGUAGE.md). A list whose records hold every field the filter names is narrowed to the
/// matching records; a list that does not hold them is left out whole — a filter on HTTP statuses says nothing
/// about anomalies. <see cref="None"/> covers everything.
/// </summary>
public sealed class RecordFilter
{
    private static readonly BsonExpression Nothing = BsonExpression.Create("false");
    private readonly Filter? _filter;

    private RecordFilter(Filter? filter, string? text)
    {
        _filter = filter;
        Text = text;
    }

    public static RecordFilter None { get; } = new(null, null);

    /// <summary>Parses a filter; throws <see cref="FilterSyntaxException"/> naming the column at fault.</summary>
    public static RecordFilter Parse(string text) => new(FilterExpression.Parse(text), text);

    /// <summary>The filter as the user wrote it, or null for none.</summary>
    public string? Text { get; }

    /// <summary>False when the filter names a field <paramref name="collection"/> does not hold: its records are left out.</summary>
    public bool Covers(string collection) => _filter is null || StoreFilter.Applies(_filter, collection);

    /// <summary>The predicate for <paramref name="collection"/>: null for all records, one that matches none when left out.</summary>
    public BsonExpression? For(string collection) =>
        _filter is null ? null : Covers(collection) ? StoreFilter.ToBsonExpression(_filter, collection) : Nothing;

    /// <summary>The predicate for a collection an export must be able to filter; an error naming the fields it does hold otherwise.</summary>
    public BsonExpression? Required(string collection) =>
        Covers(collection) ? For(collection) : StoreFilter.ToBsonExpression(_filter!, collection);
}
