using System.Collections.ObjectModel;
using Terminal.Gui.Views;

namespace Sniffer.Ui.Views;

/// <summary>
/// A read-only, scrollable block of lines (the details pane, the Timing tab). A list of lines rather than
/// Terminal.Gui's TextView, which 2.5 marks obsolete, and which would offer editing the panes do not want.
/// </summary>
internal sealed class TextPane : ListView
{
    private string _text = "";

    public new string Text
    {
        get => _text;
        set
        {
            _text = value;
            SetSource(new ObservableCollection<string>(value.TrimEnd('\n').Split('\n')));
            if (Source?.Count > 0) SetSelection(0, false);
        }
    }
}
