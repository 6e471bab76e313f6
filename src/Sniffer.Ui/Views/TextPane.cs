using System.Collections.ObjectModel;
using Terminal.Gui.Drawing;
using Terminal.Gui.Views;
using Attribute = Terminal.Gui.Drawing.Attribute;

namespace Sniffer.Ui.Views;

/// <summary>Whose bytes a line of the pane shows: none (Sniffer's own text), the client's or the server's.</summary>
internal enum LineTone
{
    Plain,
    Client,
    Server,
}

/// <summary>
/// A read-only, scrollable block of lines (the details pane, the Timing tab). A list of lines rather than
/// Terminal.Gui's TextView, which 2.5 marks obsolete, and which would offer editing the panes do not want.
/// A line may start with the mark of a <see cref="LineTone"/> (<see cref="Mark"/>): it is drawn in that side's
/// colour, as Wireshark's Follow TCP Stream colours the client and the server, and the mark is not shown.
/// </summary>
internal sealed class TextPane : ListView
{
    // Control characters: captured text reaches the pane through SafeText, which escapes every one of them, so a
    // capture cannot forge a mark.
    private const char ClientMark = '\u0001';
    private const char ServerMark = '\u0002';

    // Wireshark's defaults: the client in red, the server in blue.
    private static readonly Attribute ClientColour = new(ColorName16.BrightRed, ColorName16.Black);
    private static readonly Attribute ServerColour = new(ColorName16.BrightCyan, ColorName16.Black);

    private string _text = "";
    private LineTone[] _tones = [];

    public TextPane()
    {
        RowRender += (_, row) =>
        {
            if (row.Row >= 0 && row.Row < _tones.Length && _tones[row.Row] != LineTone.Plain)
                row.RowAttribute = _tones[row.Row] == LineTone.Client ? ClientColour : ServerColour;
        };
    }

    /// <summary>The prefix that gives a line its tone.</summary>
    public static string Mark(LineTone tone) => tone switch
    {
        LineTone.Client => ClientMark.ToString(),
        LineTone.Server => ServerMark.ToString(),
        _ => "",
    };

    /// <summary>The tone of each shown line, in order.</summary>
    public IReadOnlyList<LineTone> Tones => _tones;

    public new string Text
    {
        get => _text;
        set
        {
            _text = value;
            string[] lines = value.TrimEnd('\n').Split('\n');
            _tones = new LineTone[lines.Length];
            for (int i = 0; i < lines.Length; i++)
            {
                if (lines[i].Length == 0 || lines[i][0] is not (ClientMark or ServerMark)) continue;
                _tones[i] = lines[i][0] == ClientMark ? LineTone.Client : LineTone.Server;
                lines[i] = lines[i][1..];
            }
            SetSource(new ObservableCollection<string>(lines));
            if (Source?.Count > 0) SetSelection(0, false);
        }
    }
}
