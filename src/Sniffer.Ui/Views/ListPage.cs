using LiteDB;
using Sniffer.Query;
using Sniffer.Storage;
using Sniffer.Storage.Queries;
using Sniffer.Ui.Details;
using Sniffer.Ui.Lists;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace Sniffer.Ui.Views;

/// <summary>
/// One tab: a list read page by page from the store, its details pane, and the filter and sort that shape it.
/// A tab may offer several lists (Mail: messages, SMTP, IMAP…) that <c>m</c> cycles through, each keeping its
/// own filter.
/// </summary>
internal sealed class ListPage : View
{
    private readonly SessionStoreReader _reader;
    private readonly DetailContext _context;
    private readonly IReadOnlyList<ListSource> _sources;
    private readonly Dictionary<ListSource, Filter?> _filters = [];
    private readonly Label _header;
    private int _sourceIndex;
    private object? _lastSeen;
    private bool _countShown;

    public ListPage(string title, SessionStoreReader reader, IReadOnlyList<ListSource> sources)
    {
        Title = title;
        Width = Dim.Fill();
        Height = Dim.Fill();
        CanFocus = true;
        _reader = reader;
        _context = new DetailContext(reader);
        _sources = sources;
        _header = new Label { X = 0, Y = 0, Width = Dim.Fill(), Height = 1 };
        Table = new TableView
        {
            X = 0,
            Y = 1,
            Width = Dim.Fill(),
            Height = Dim.Percent(55),
            FullRowSelect = true,
            MultiSelect = false,
            // Typing a letter must reach the window's keys (q, f, e, s, /), not jump to a row starting with it.
            CollectionNavigator = null,
        };
        Table.Style.ShowHorizontalHeaderOverline = false;
        Table.Style.ShowHorizontalBottomLine = false;
        Table.Style.ExpandLastColumn = true;
        Table.Style.RowColorGetter = args => Source?.DocumentAt(args.RowIndex) is { } document ? Source.List.RowScheme(document) : null;
        Details = new TextPane
        {
            X = 0,
            Y = Pos.Bottom(Table),
            Width = Dim.Fill(),
            Height = Dim.Fill(),
            Title = "Details",
            BorderStyle = Terminal.Gui.Drawing.LineStyle.Single,
        };
        Table.ValueChanged += (_, _) => ShowDetails();
        Add(_header, Table, Details);
    }

    /// <summary>
    /// Reads the list's first page the first time its tab is shown, so the window opens with the queries of its
    /// front tab only, and a tab never looked at costs nothing.
    /// </summary>
    public void EnsureLoaded()
    {
        if (Source is null) Load();
    }

    public TableView Table { get; }

    public TextPane Details { get; }

    public ListSource CurrentList => _sources[_sourceIndex];

    public StoreTableSource? Source => Table.Table as StoreTableSource;

    public Filter? CurrentFilter => _filters.GetValueOrDefault(CurrentList);

    public bool HasSeveralLists => _sources.Count > 1;

    /// <summary>The row the cursor is on, or null in an empty list.</summary>
    public BsonDocument? SelectedDocument => Source?.DocumentAt(Table.Value?.SelectedCell.Y ?? 0);

    /// <summary>Narrows the list; returns the error to show when the filter names a field this list does not hold.</summary>
    public string? ApplyFilter(Filter? filter)
    {
        try
        {
            if (filter is not null) StoreFilter.ToBsonExpression(filter, CurrentList.Collection);
        }
        catch (StoreFilterException error)
        {
            return error.Message;
        }
        _filters[CurrentList] = filter;
        Load();
        return null;
    }

    /// <summary>Sorts by the column the cursor is in; again on the same column reverses the order.</summary>
    public void SortBySelectedColumn()
    {
        int column = Table.Value?.SelectedCell.X ?? 0;
        if (column < 0 || column >= CurrentList.Columns.Count || CurrentList.Columns[column].SortBy is null) return;
        ListColumn chosen = CurrentList.Columns[column];
        bool descending = Source?.SortColumn == chosen && !Source.Descending;
        Table.Table = new StoreTableSource(_reader, CurrentList, Source?.Where, chosen, descending);
        _countShown = false;
        // A new source resets the cursor; keep it in the sorted column so pressing s again reverses the order.
        Table.RowOffset = 0;
        Table.Value = new TableSelection(new System.Drawing.Point(column, 0));
        Table.Update();
        ShowDetails();
        UpdateHeader();
    }

    public void NextList()
    {
        _sourceIndex = (_sourceIndex + 1) % _sources.Count;
        Load();
    }

    /// <summary>
    /// Live mode: when the collection has grown since the last look, re-reads the visible rows and recounts while
    /// the cursor and scroll position stay where they were.
    /// </summary>
    public void Refresh()
    {
        if (Source is not { } source) return;
        object? latest = _reader.Documents(CurrentList.Collection, Page.First(1), null, "_id", descending: true).FirstOrDefault()?["_id"].RawValue;
        if (Equals(latest, _lastSeen))
        {
            // The background count may have finished since the last tick: the table learns its real length.
            if (source.KnownCount is not null && !_countShown)
            {
                _countShown = true;
                Table.Update();
                UpdateHeader();
            }
            return;
        }
        _lastSeen = latest;
        int rowOffset = Table.RowOffset;
        source.Reload();
        _countShown = false;
        Table.Update();
        Table.RowOffset = rowOffset;
        UpdateHeader();
    }

    /// <summary>The whole stream of the selected record's connection, rebuilt from the store (<c>f</c>).</summary>
    public void FollowSelected()
    {
        if (SelectedDocument is { } document) Details.Text = FollowFlow.Render(document, _context);
    }

    /// <summary>Shows the current list from its first row, with its filter and the default order.</summary>
    private void Load()
    {
        Filter? filter = CurrentFilter;
        BsonExpression? where = filter is null ? null : StoreFilter.ToBsonExpression(filter, CurrentList.Collection);
        Table.Table = new StoreTableSource(_reader, CurrentList, where, sortColumn: null, descending: false);
        _countShown = false;
        _lastSeen = _reader.Documents(CurrentList.Collection, Page.First(1), null, "_id", descending: true).FirstOrDefault()?["_id"].RawValue;
        Table.RowOffset = 0;
        Table.Value = new TableSelection(new System.Drawing.Point(0, 0));
        Table.Update();
        ShowDetails();
        UpdateHeader();
    }

    private void ShowDetails()
    {
        Details.Text = SelectedDocument is { } document ? CurrentList.Details(document, _context) : "(nothing selected)";
    }

    private void UpdateHeader()
    {
        if (Source is not { } source) return;
        string count = source.KnownCount is { } known ? Display.Count(known) : "counting…";
        string list = HasSeveralLists ? $"{CurrentList.Name} ({_sourceIndex + 1}/{_sources.Count}, m: next)" : CurrentList.Name;
        string filter = CurrentFilter is { } f ? $" · filter: {Display.Safe(f.ToString())}" : "";
        string sort = source.SortColumn is { } column ? $" · sorted by {column.Header}{(source.Descending ? " descending" : "")}" : "";
        _header.Text = $"{list}: {count} rows{filter}{sort}";
    }
}
