namespace Sniffer.TestSupport;

/// <summary>
/// A Zeek log baseline: either a full ASCII log (<c>#fields</c> names the columns) or a <c>btest-diff-cut</c>
/// subset (the first uncommented line names them). <c>-</c> is unset.
/// </summary>
public sealed class ZeekLog
{
    private ZeekLog(IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyDictionary<string, string>> rows)
    {
        Columns = columns;
        Rows = rows;
    }

    public IReadOnlyList<string> Columns { get; }

    public IReadOnlyList<IReadOnlyDictionary<string, string>> Rows { get; }

    public static ZeekLog Read(string path)
    {
        string[] lines = File.ReadAllLines(path);
        string[] columns;
        IEnumerable<string> data;
        if (lines.FirstOrDefault(l => l.StartsWith("#fields\t", StringComparison.Ordinal)) is { } fields)
        {
            columns = fields.Split('\t')[1..];
            data = lines.Where(l => l.Length > 0 && !l.StartsWith('#'));
        }
        else
        {
            string[] uncommented = lines.Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
            columns = uncommented[0].Split('\t');
            data = uncommented.Skip(1);
        }
        List<IReadOnlyDictionary<string, string>> rows = data
            .Select(l => (IReadOnlyDictionary<string, string>)columns.Zip(l.Split('\t')).ToDictionary(c => c.First, c => c.Second))
            .ToList();
        return new ZeekLog(columns, rows);
    }

    /// <summary>Zeek's set[string] and vector fields: comma-separated, "(empty)" or "-" for none.</summary>
    public static IReadOnlyList<string> Set(string value) => value is "-" or "(empty)" ? [] : value.Split(',');
}
