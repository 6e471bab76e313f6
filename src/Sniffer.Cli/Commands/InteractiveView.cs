using Sniffer.Ui;

namespace Sniffer.Cli.Commands;

/// <summary>The end of <c>open</c>, <c>capture --db</c> and <c>demo</c>: the terminal UI over what was stored, when there is a terminal to draw on.</summary>
internal static class InteractiveView
{
    public static void Show(string database, bool noUi)
    {
        if (noUi) return;
        // Piped or redirected (a script, CI): a full-screen view would wait for keys nobody sends.
        if (Console.IsInputRedirected || Console.IsOutputRedirected)
        {
            Console.Error.WriteLine($"sniffer: not a terminal, so no interactive view; browse it later with 'sniffer ui {database}'");
            return;
        }
        SnifferUi.Run(database);
    }
}
