using LiteDB;
using Sniffer.Storage;
using Terminal.Gui.Views;

namespace Sniffer.Ui.Lists;

/// <summary>
/// A table over one collection that reads only the pages the table draws: a million rows cost one page of
/// documents per screen, not a million. Pages are cached (a few screens' worth) and dropped when the query or the
/// data changes. The row count comes from a background count; until it is known the table shows what the first
/// page holds, so the first screen never waits for a full count.
/// </summary>
internal sealed class StoreTableSource : ITableSource
{
    private const int PageSize = 100;
    private const int MaxCachedPages = 16;

    private readonly SessionStoreReader _reader;
    private readonly Dictionary<int, IReadOnlyList<BsonDocument>> _pages = [];
    private Task<long>? _count;

    public StoreTableSource(SessionStoreReader reader, ListSource list, BsonExpression? where, ListColumn? sortColumn, bool descending)
    {
        _reader = reader;
        List = list;
        Where = where;
        SortColumn = sortColumn;
        Descending = descending;
        FirstPageRows = Page(0).Count;
        _count = Task.Run(() => reader.Count(list.Collection, where));
    }

    public ListSource List { get; }

    public BsonExpression? Where { get; }

    public ListColumn? SortColumn { get; }

    public bool Descending { get; }

    private int FirstPageRows { get; set; }

    /// <summary>The full count once the background count finished; null while it runs.</summary>
    public long? KnownCount => _count is { IsCompletedSuccessfully: true } done ? done.Result : null;

    /// <summary>Completes when the row count is known (tests wait on it; the UI redraws on its refresh tick).</summary>
    public Task CountTask => _count ?? Task.CompletedTask;

    /// <summary>Pages read from the store so far: what the paging promises to keep small.</summary>
    public int PagesRead { get; private set; }

    public int Rows => (int)Math.Min(int.MaxValue, KnownCount ?? FirstPageRows);

    public int Columns => List.Columns.Count;

    public string[] ColumnNames => List.Columns
        .Select(c => c == SortColumn ? c.Header + (Descending ? " ▼" : " ▲") : c.Header)
        .ToArray();

    public object this[int row, int col] => DocumentAt(row) is { } document ? List.Columns[col].Cell(document) : "";

    public BsonDocument? DocumentAt(int row)
    {
        if (row < 0) return null;
        IReadOnlyList<BsonDocument> page = Page(row / PageSize);
        int index = row % PageSize;
        return index < page.Count ? page[index] : null;
    }

    /// <summary>Forgets cached rows and recounts: the database grew (live mode).</summary>
    public void Reload()
    {
        _pages.Clear();
        FirstPageRows = Page(0).Count;
        _count = Task.Run(() => _reader.Count(List.Collection, Where));
    }

    private IReadOnlyList<BsonDocument> Page(int number)
    {
        if (_pages.TryGetValue(number, out IReadOnlyList<BsonDocument>? cached)) return cached;
        // A plain bound on the cache: scrolling back past it reads the page again, which is cheap.
        if (_pages.Count >= MaxCachedPages) _pages.Clear();
        IReadOnlyList<BsonDocument> page = _reader.Documents(List.Collection, new Page(number * PageSize, PageSize), Where,
            SortColumn?.SortBy ?? List.DefaultOrder, Descending);
        _pages[number] = page;
        PagesRead++;
        return page;
    }
}
