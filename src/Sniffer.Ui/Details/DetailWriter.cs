using System.Text;
using Sniffer.Core.Flows;
using Sniffer.Core.Text;
using Sniffer.Ui.Views;

namespace Sniffer.Ui.Details;

/// <summary>Builds the text of the details pane; every captured string it is given is escaped on the way in.</summary>
internal sealed class DetailWriter
{
    private readonly StringBuilder _text = new();

    public DetailWriter Heading(string title)
    {
        if (_text.Length > 0) _text.Append('\n');
        _text.Append("── ").Append(title).Append(' ').Append('─', Math.Max(3, 60 - title.Length)).Append('\n');
        return this;
    }

    /// <summary>"label: value" when the value is there; the value is captured text.</summary>
    public DetailWriter Field(string label, string? captured)
    {
        if (!string.IsNullOrEmpty(captured)) _text.Append(label).Append(": ").Append(Display.Safe(captured)).Append('\n');
        return this;
    }

    /// <summary>A line of captured text.</summary>
    public DetailWriter Captured(string? captured)
    {
        _text.Append(Display.Safe(captured)).Append('\n');
        return this;
    }

    /// <summary>Several lines of captured text (a body), each escaped.</summary>
    public DetailWriter CapturedLines(string captured)
    {
        _text.Append(Display.SafeLines(captured)).Append('\n');
        return this;
    }

    /// <summary>Sniffer's own text (labels, figures, bars): not from the capture.</summary>
    public DetailWriter Own(string text)
    {
        _text.Append(text).Append('\n');
        return this;
    }

    /// <summary>Captured bytes one side sent, escaped here (lenient UTF-8), in that side's colour.</summary>
    public DetailWriter Sent(Direction direction, ReadOnlySpan<byte> captured)
    {
        _text.Append(TextPane.Mark(Tone(direction))).Append(Arrow(direction)).Append(' ')
            .Append(SafeText.FromBytes(captured)).Append('\n');
        return this;
    }

    /// <summary>Sniffer's own line about one side's bytes (a gap, what was not shown), in that side's colour.</summary>
    public DetailWriter OwnOf(Direction direction, string text)
    {
        _text.Append(TextPane.Mark(Tone(direction))).Append(Arrow(direction)).Append(' ').Append(text).Append('\n');
        return this;
    }

    /// <summary>"→" for what the client sent, "←" for the server's answer, as the rebuilt dialogue writes them.</summary>
    public static string Arrow(Direction direction) => direction == Direction.ClientToServer ? "→" : "←";

    private static LineTone Tone(Direction direction) => direction == Direction.ClientToServer ? LineTone.Client : LineTone.Server;

    public override string ToString() => _text.ToString();
}
