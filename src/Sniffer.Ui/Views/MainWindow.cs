using Sniffer.Query;
using Sniffer.Storage;
using Sniffer.Ui.Lists;
using Terminal.Gui.App;
using Terminal.Gui.Drawing;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;
using Attribute = Terminal.Gui.Drawing.Attribute;

namespace Sniffer.Ui.Views;

/// <summary>
/// The whole screen: tabs for Flows, HTTP, Mail, Cookies, Timing and Anomalies, the filter bar and the keys in
/// the status bar. Keys are taken at the application level (<see cref="HandleKey"/>) so that letters reach these
/// commands whichever pane has the focus, except while the filter bar is being typed in.
/// </summary>
internal sealed class MainWindow : Window
{
    private static readonly Key FilterKey = new('/');
    private static readonly Scheme ErrorScheme = new(new Attribute(ColorName16.BrightRed, ColorName16.Black));
    private readonly TextPane _timing;
    private readonly View _timingPage;
    private readonly Label _message;
    private readonly SessionStoreReader _reader;
    private readonly Func<string>? _liveStatus;
    private readonly string _title;
    private Task<string>? _timingText;
    private bool _closing;

    public MainWindow(SessionStoreReader reader, string title, Func<string>? liveStatus)
    {
        Title = title;
        _title = title;
        _reader = reader;
        _liveStatus = liveStatus;
        Pages =
        [
            new ListPage("_Flows", reader, [Lists.Lists.Flows]),
            new ListPage("_HTTP", reader, [Lists.Lists.Http]),
            new ListPage("_Mail", reader, Lists.Lists.Mail),
            new ListPage("_Cookies", reader, Lists.Lists.Cookies),
        ];
        _timing = new TextPane { Width = Dim.Fill(), Height = Dim.Fill(), Text = "computing…" };
        _timingPage = new View { Title = "_Timing", Width = Dim.Fill(), Height = Dim.Fill(), CanFocus = true };
        _timingPage.Add(_timing);
        AnomalyPage = new ListPage("_Anomalies", reader, [Lists.Lists.Anomalies]);
        Tabs = new Tabs { X = 0, Y = 0, Width = Dim.Fill(), Height = Dim.Fill(3) };
        Tabs.Add(Pages[0], Pages[1], Pages[2], Pages[3], _timingPage, AnomalyPage);
        Tabs.ValueChanged += (_, _) => OnTabChanged();
        CurrentList?.EnsureLoaded();

        var filterLabel = new Label { X = 0, Y = Pos.AnchorEnd(3), Text = "Filter:" };
        FilterField = new TextField { X = Pos.Right(filterLabel) + 1, Y = Pos.AnchorEnd(3), Width = Dim.Fill() };
        FilterField.KeyDown += OnFilterKey;
        _message = new Label { X = 0, Y = Pos.AnchorEnd(2), Width = Dim.Fill(), Height = 1, Text = "" };
        var status = new StatusBar(
        [
            new Shortcut(FilterKey, "Filter", FocusFilter),
            new Shortcut(Key.Enter, "Details", FocusDetails),
            new Shortcut(Key.F, "Follow", Follow),
            new Shortcut(Key.S, "Sort", () => CurrentList?.SortBySelectedColumn()),
            new Shortcut(Key.M, "Next list", () => CurrentList?.NextList()),
            new Shortcut(Key.E, "Export", Export),
            new Shortcut(Key.Tab, "Pane", () => { }),
            new Shortcut(Key.Q, "Quit", () => App?.RequestStop(this)),
        ]);
        Add(Tabs, filterLabel, FilterField, _message, status);
    }

    public Tabs Tabs { get; }

    /// <summary>Flows, HTTP, Mail, Cookies (the Timing tab is text, Anomalies is <see cref="AnomalyPage"/>).</summary>
    public IReadOnlyList<ListPage> Pages { get; }

    public ListPage AnomalyPage { get; }

    public TextField FilterField { get; }

    public string Message => _message.Text;

    public string TimingText => _timing.Text;

    /// <summary>The list of the tab in front, or null on the Timing tab.</summary>
    public ListPage? CurrentList => Tabs.Value as ListPage;

    /// <summary>Completes when the Timing tab's text is computed (tests wait on it).</summary>
    public Task TimingReady => _timingText ?? Task.CompletedTask;

    public void ShowTab(int index)
    {
        View[] tabs = [.. Tabs.TabCollection];
        if (index >= 0 && index < tabs.Length) Tabs.Value = tabs[index];
    }

    /// <summary>Focus on the list when the screen opens: otherwise the tab header has it and arrows do nothing.</summary>
    public void FocusList() => CurrentList?.Table.SetFocus();

    /// <summary>
    /// Application-level keys. Returns true when the key was a command. Letters typed into the filter bar are
    /// text, not commands.
    /// </summary>
    public bool HandleKey(Key key)
    {
        if (FilterField.HasFocus) return false;
        if (key == Key.Q) App?.RequestStop(this);
        else if (key == FilterKey) FocusFilter();
        else if (key == Key.F) Follow();
        else if (key == Key.E) Export();
        else if (key == Key.S) CurrentList?.SortBySelectedColumn();
        else if (key == Key.M && CurrentList is { HasSeveralLists: true } list) list.NextList();
        else if (key == Key.Enter && CurrentList is { } page && page.Table.HasFocus) FocusDetails();
        else if (key == Key.Esc && CurrentList is { } back && back.Details.HasFocus) back.Table.SetFocus();
        else if (key.AsRune.Value is >= '1' and <= '6' && key.NoShift == key) ShowTab(key.AsRune.Value - '1');
        else return false;
        return true;
    }

    /// <summary>The live-mode tick: the list in front catches up with the database; the status line shows the capture.</summary>
    public void Tick()
    {
        CurrentList?.Refresh();
        if (_timingText is { IsCompleted: true } done && _timing.Text == "computing…")
            _timing.Text = done.IsCompletedSuccessfully ? done.Result : $"could not compute timings: {done.Exception?.InnerException?.Message}";
        // The capture's state rides in the title, where no message of the user's can hide it.
        if (_liveStatus is not null) Title = $"{_title} — {_liveStatus()}";
    }

    private void OnTabChanged()
    {
        if (_closing) return;
        CurrentList?.EnsureLoaded();
        FilterField.Text = CurrentList?.CurrentFilter?.ToString() ?? "";
        if (Tabs.Value == _timingPage) _timingText ??= Task.Run(() => Views.TimingText.Build(_reader));
        ShowMessage("");
    }

    private void OnFilterKey(object? sender, Key key)
    {
        if (key == Key.Enter)
        {
            key.Handled = true;
            ApplyFilter(FilterField.Text);
        }
        else if (key == Key.Esc)
        {
            key.Handled = true;
            FilterField.Text = CurrentList?.CurrentFilter?.ToString() ?? "";
            FocusList();
        }
    }

    /// <summary>Applies the filter bar's text to the list in front; an empty bar clears the filter.</summary>
    public void ApplyFilter(string text)
    {
        if (CurrentList is not { } list)
        {
            ShowMessage("the Timing tab has no list to filter", error: true);
            return;
        }
        Filter? filter = null;
        if (!string.IsNullOrWhiteSpace(text) && !FilterExpression.TryParse(text, out filter, out FilterSyntaxException? syntax))
        {
            ShowMessage($"filter: {Display.Safe(syntax!.Message)}", error: true);
            return;
        }
        if (list.ApplyFilter(filter) is { } error)
        {
            ShowMessage($"filter: {Display.Safe(error)}", error: true);
            return;
        }
        ShowMessage("");
        list.Table.SetFocus();
    }

    private void FocusFilter() => FilterField.SetFocus();

    private void FocusDetails() => CurrentList?.Details.SetFocus();

    private void Follow()
    {
        CurrentList?.FollowSelected();
        ShowMessage(CurrentList?.SelectedDocument is null ? "nothing selected to follow" : "following the selected flow (Esc or a new selection to leave)");
    }

    private void Export()
    {
        if (CurrentList?.SelectedDocument is not { } document)
        {
            ShowMessage("nothing selected to export", error: true);
            return;
        }
        try
        {
            string? written = SelectionExport.Write(_reader, CurrentList.CurrentList, document, Directory.GetCurrentDirectory());
            ShowMessage(written is null ? "this row has no stored content to export (HTTP bodies and mails export; use 'sniffer export' for HAR and pcap)" : $"exported to {written}");
        }
        catch (IOException error)
        {
            ShowMessage($"export failed: {error.Message}", error: true);
        }
    }

    private void ShowMessage(string text, bool error = false)
    {
        _message.Text = text;
        _message.SetScheme(error ? ErrorScheme : null);
    }

    /// <summary>
    /// Tabs throws from its own Dispose when its pages are still inside it (API-FACTS pitfall 1): take them out
    /// and dispose them first. Taking a page out brings the next one to the front, which must not read its list
    /// on the way out.
    /// </summary>
    protected override void Dispose(bool disposing)
    {
        _closing = true;
        if (disposing)
        {
            foreach (View page in Tabs.TabCollection.ToList())
            {
                Tabs.Remove(page);
                page.Dispose();
            }
        }
        base.Dispose(disposing);
    }
}
