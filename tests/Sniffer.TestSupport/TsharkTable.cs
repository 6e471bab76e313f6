namespace Sniffer.TestSupport;

/// <summary>
/// A <c>tshark -T fields -E header=y -E separator=/t</c> export: one row per packet that carried the filtered
/// message, columns named by their field.
/// </summary>
public sealed class TsharkTable
{
    private readonly Dictionary<string, int> _columns;
    private readonly List<string[]> _rows;

    private TsharkTable(Dictionary<string, int> columns, List<string[]> rows)
    {
        _columns = columns;
        _rows = rows;
    }

    public IEnumerable<TsharkRow> Rows => _rows.Select(cells => new TsharkRow(this, cells));

    public static TsharkTable Read(string path)
    {
        string[] lines = File.ReadAllLines(path);
        Dictionary<string, int> columns = lines[0].Split('\t').Select((name, i) => (name, i)).ToDictionary(c => c.name, c => c.i);
        return new TsharkTable(columns, lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split('\t')).ToList());
    }

    public readonly struct TsharkRow(TsharkTable table, string[] cells)
    {
        /// <summary>The field's value; with <c>-E occurrence=a</c> repeated fields are joined by '|'.</summary>
        public string this[string field] => cells[table._columns[field]];

        public int Int(string field) => int.Parse(this[field], System.Globalization.CultureInfo.InvariantCulture);
    }
}
