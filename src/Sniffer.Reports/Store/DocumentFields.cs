using LiteDB;

namespace Sniffer.Reports.Store;

/// <summary>
/// Reads fields of stored documents whose shape the report does not map to types (mail, analyses). Absent
/// fields are omitted in the store (SCHEMA.md), so every accessor answers null rather than throwing, and a
/// dotted path ("response.body.sha256") walks into sub-documents.
/// </summary>
public static class DocumentFields
{
    public static BsonValue Get(this BsonDocument document, string path)
    {
        BsonValue current = document;
        foreach (string name in path.Split('.'))
        {
            if (!current.IsDocument) return BsonValue.Null;
            current = current.AsDocument[name];
        }
        return current;
    }

    /// <summary>A string field; an indexed field cut for its index is read whole from <c>NAME_full</c>.</summary>
    public static string? Text(this BsonDocument document, string path)
    {
        BsonValue full = document.Get(path + "_full");
        BsonValue value = full.IsString ? full : document.Get(path);
        return Show(value);
    }

    /// <summary>A scalar as text: strings as they are, numbers in invariant culture, booleans as true/false.</summary>
    private static string? Show(BsonValue value) => value switch
    {
        { IsNull: true } => null,
        { IsString: true } => value.AsString,
        { IsInt32: true } or { IsInt64: true } => value.AsInt64.ToString(System.Globalization.CultureInfo.InvariantCulture),
        { IsNumber: true } => value.AsDouble.ToString(System.Globalization.CultureInfo.InvariantCulture),
        { IsBoolean: true } => value.AsBoolean ? "true" : "false",
        _ => value.ToString(),
    };

    public static long? Number(this BsonDocument document, string path)
    {
        BsonValue value = document.Get(path);
        return value.IsNumber ? value.AsInt64 : null;
    }

    public static double? Real(this BsonDocument document, string path)
    {
        BsonValue value = document.Get(path);
        return value.IsNumber ? value.AsDouble : null;
    }

    public static bool Flag(this BsonDocument document, string path)
    {
        BsonValue value = document.Get(path);
        return value.IsBoolean && value.AsBoolean;
    }

    public static IEnumerable<BsonValue> Items(this BsonDocument document, string path)
    {
        BsonValue value = document.Get(path);
        return value.IsArray ? value.AsArray : [];
    }

    public static IEnumerable<BsonDocument> Documents(this BsonDocument document, string path) =>
        document.Items(path).Where(v => v.IsDocument).Select(v => v.AsDocument);

    /// <summary>An array of strings joined for one table cell.</summary>
    public static string TextList(this BsonDocument document, string path, string separator = ", ") =>
        string.Join(separator, document.Items(path).Select(Show));
}
