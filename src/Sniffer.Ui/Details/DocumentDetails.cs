using LiteDB;

namespace Sniffer.Ui.Details;

/// <summary>Any stored document as an indented outline of its fields: for mail and analysis records, and as a fallback.</summary>
internal static class DocumentDetails
{
    private const int MaxItems = 200;

    public static string Render(BsonDocument document, string title)
    {
        var writer = new DetailWriter().Heading(title);
        Write(writer, document, indent: "");
        return writer.ToString();
    }

    public static void Write(DetailWriter writer, BsonDocument document, string indent)
    {
        foreach ((string name, BsonValue value) in document)
        {
            if (name.EndsWith("_full", StringComparison.Ordinal)) continue; // shown under the cut key's name below
            BsonValue shown = document.ContainsKey(name + "_full") ? document[name + "_full"] : value;
            WriteValue(writer, indent, name, shown);
        }
    }

    private static void WriteValue(DetailWriter writer, string indent, string name, BsonValue value)
    {
        switch (value.Type)
        {
            case BsonType.Document:
                writer.Own($"{indent}{Display.Safe(name)}:");
                Write(writer, value.AsDocument, indent + "  ");
                break;
            case BsonType.Array:
                writer.Own($"{indent}{Display.Safe(name)}: [{value.AsArray.Count}]");
                foreach (BsonValue item in value.AsArray.Take(MaxItems))
                {
                    if (item.IsDocument) Write(writer.Own($"{indent}  -"), item.AsDocument, indent + "    ");
                    else writer.Own($"{indent}  - {Scalar(name, item)}");
                }
                break;
            default:
                writer.Own($"{indent}{Display.Safe(name)}: {Scalar(name, value)}");
                break;
        }
    }

    /// <summary>Times and durations by their stored names' convention (SCHEMA.md: <c>ts</c>, <c>*_ns</c>), strings escaped.</summary>
    private static string Scalar(string name, BsonValue value) => value switch
    {
        { IsString: true } => Display.Safe(value.AsString),
        { IsNumber: true } when name == "ts" || name.EndsWith("_at_ns", StringComparison.Ordinal) => Display.Timestamp(value.AsInt64),
        { IsNumber: true } when name.EndsWith("_ns", StringComparison.Ordinal) => Display.Duration(value.AsInt64),
        { IsInt32: true } or { IsInt64: true } => value.AsInt64.ToString(System.Globalization.CultureInfo.InvariantCulture),
        { IsNumber: true } => value.AsDouble.ToString(System.Globalization.CultureInfo.InvariantCulture),
        { IsBinary: true } => $"({value.AsBinary.Length} bytes)",
        _ => Display.Safe(value.ToString()),
    };
}
