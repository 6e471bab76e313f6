using LiteDB;
using Sniffer.Ui.Details;
using Terminal.Gui.Drawing;

namespace Sniffer.Ui.Lists;

/// <summary>
/// What one list shows: a collection of the session database, its columns, how a row is coloured and how the
/// selected row is described in the details pane.
/// </summary>
internal sealed record ListSource(
    string Name,
    string Collection,
    IReadOnlyList<ListColumn> Columns,
    Func<BsonDocument, DetailContext, string> Details)
{
    /// <summary>A colour for a row that needs attention (an error status, a reset), or null for the normal one.</summary>
    public Func<BsonDocument, Scheme?> RowScheme { get; init; } = _ => null;

    /// <summary>The order before the user sorts: capture time, through the <c>ts</c> index.</summary>
    public string DefaultOrder { get; init; } = "$.ts";
}
