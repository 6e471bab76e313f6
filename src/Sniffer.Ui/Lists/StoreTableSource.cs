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
    }

    public ListSource List { get; }

    public BsonExpression? Where { get; }

    public ListColumn? SortColumn { get; }

    public bool Descending { get; }

    private int FirstPageRows { get; set; }

    /// <summary>The full count once the background count finished; null while it runs.</summary>
    public long? KnownCount => _count is { IsCompletedSuccessfully: true } done ? done.Result : null;

    /// <summary>Completes when the row count is known (tests wait on it; the UI redraws on its refresh tick).</summary>
    public Task CountTask => StartCount();

    /// <summary>Pages read from the store so far: what the paging promises to keep small.</summary>
    public int PagesRead { get; private set; }

    /// <summary>Asked when the table is drawn, so only lists that are shown pay for a count.</summary>
    public int Rows
    {
        get
        {
            StartCount();
            return (int)Math.Min(int.MaxValue, KnownCount ?? FirstPageRows);
        }
    }

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
        _count = null;
        StartCount();
    }

    private Task<long> StartCount() => _count ??= Task.Run(() => _reader.Count(List.Collection, Where));

    private IReadOnlyList<BsonDocument> Page(int number)
    {
        if (_pages.TryGetValue(number, out IReadOnlyList<BsonDocument>? cached)) return cached;
        // A plain bound on the cache: scrolling back past it reads the page again, which is cheap.
        if (_pages.Count >= MaxCachedPages) _pages.Clear();
        IReadOnlyList<BsonDocument> page = ReadPage(number);
        _pages[number] = page;
        PagesRead++;
        return page;
    }

    /// <summary>
    /// LiteDB skips by walking its index, so row 999,900 of a million would walk nearly all of it. Pages in the
    /// second half are read from the other end in the opposite order and turned round: the walk is then never
    /// longer than half the list.
    /// </summary>
    private IReadOnlyList<BsonDocument> ReadPage(int number)
    {
        string order = SortColumn?.SortBy ?? List.DefaultOrder;
        long start = (long)number * PageSize;
        if (KnownCount is not { } count || start < count / 2)
            return _reader.Documents(List.Collection, new Page((int)start, PageSize), Where, order, Descending);
        long fromEnd = count - (start + PageSize);
        int take = (int)Math.Max(0, fromEnd < 0 ? PageSize + fromEnd : PageSize);
        var page = _reader.Documents(List.Collection, new Page((int)Math.Max(0, fromEnd), take), Where, order, !Descending).ToList();
        page.Reverse();
        return page;
    }
}
