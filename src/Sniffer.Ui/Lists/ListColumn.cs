using LiteDB;
using Sniffer.Reports.Store;

namespace Sniffer.Ui.Lists;

/// <summary>
/// One column of a list: its header, the cell text of a stored document, and the LiteDB expression it sorts by
/// (null when it cannot be sorted in the store).
/// </summary>
internal sealed record ListColumn(string Header, Func<BsonDocument, string> Cell, string? SortBy)
{
    /// <summary>Captured text at a path (cut index keys read whole), escaped for the screen.</summary>
    public static ListColumn Text(string header, string path) =>
        new(header, d => Display.Safe(d.Text(path)), "$." + path);

    public static ListColumn Number(string header, string path) =>
        new(header, d => d.Number(path)?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", "$." + path);

    public static ListColumn Size(string header, string path) => new(header, d => Display.Size(d.Number(path)), "$." + path);

    public static ListColumn Duration(string header, string path) => new(header, d => Display.Duration(d.Number(path)), "$." + path);

    /// <summary>A duration between two stored timestamps; sorts by the same difference.</summary>
    public static ListColumn Between(string header, string from, string to) =>
        new(header, d => Display.Duration(d.Number(to) - d.Number(from)), $"($.{to} - $.{from})");

    public static ListColumn Clock(string header = "Time") => new(header, d => Display.Clock(d.Number("ts")), "$.ts");

    /// <summary>Several captured strings joined for one cell: an array of strings, or one field of each document in an array.</summary>
    public static ListColumn Texts(string header, string array, string? field = null) =>
        new(header, d => Display.Safe(field is null ? d.TextList(array) : string.Join(", ", d.Documents(array).Select(item => item.Text(field)))), null);
}
