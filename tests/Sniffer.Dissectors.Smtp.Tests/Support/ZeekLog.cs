namespace Sniffer.Dissectors.Smtp.Tests.Support;

/// <summary>A Zeek ASCII log or zeek-cut output (a btest baseline): the field names and one dictionary per row, "-" for unset.</summary>
internal static class ZeekLog
{
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> Read(string path)
    {
        string[] fields = [];
        var rows = new List<IReadOnlyDictionary<string, string>>();
        foreach (string line in File.ReadLines(path))
        {
            if (line.StartsWith("#fields\t", StringComparison.Ordinal)) fields = line.Split('\t')[1..];
            if (line.StartsWith('#') || line.Length == 0) continue;
            if (fields.Length == 0)
            {
                // zeek-cut output (*.cut baselines) names its columns on a plain first line.
                fields = line.Split('\t');
                continue;
            }
            string[] values = line.Split('\t');
            rows.Add(fields.Zip(values).ToDictionary(p => p.First, p => p.Second));
        }
        return rows;
    }

    /// <summary>Zeek's set[string] and vector fields: comma-separated, "(empty)" or "-" for none.</summary>
    public static IReadOnlyList<string> Set(string value) => value is "-" or "(empty)" ? [] : value.Split(',');
}
