using LiteDB;

namespace Sniffer.Storage.Mapping;

/// <summary>Small conversions the mappings share. Absent values are left out of documents, not stored as null.</summary>
internal static class Bson
{
    public static void Set(this BsonDocument document, string name, string? value)
    {
        if (value is not null) document[name] = value;
    }

    public static void Set(this BsonDocument document, string name, long? value)
    {
        if (value is { } v) document[name] = v;
    }

    public static void Set(this BsonDocument document, string name, bool value)
    {
        if (value) document[name] = true;
    }

    /// <summary>
    /// Characters of a string kept in its indexed field. LiteDB refuses index keys of 1023 bytes or more — and
    /// with them the whole batch — so a hostile URI or Host is cut for the index (200 UTF-16 units are at most
    /// 800 UTF-8 bytes) and kept whole in <c>NAME_full</c>.
    /// </summary>
    public const int IndexKeyLength = 200;

    public static string IndexKey(string value)
    {
        if (value.Length <= IndexKeyLength) return value;
        int cut = char.IsHighSurrogate(value[IndexKeyLength - 1]) ? IndexKeyLength - 1 : IndexKeyLength;
        return value[..cut];
    }

    public static string FullName(string name) => name + "_full";

    public static void SetKey(this BsonDocument document, string name, string? value)
    {
        if (value is null) return;
        document[name] = IndexKey(value);
        if (value.Length > IndexKeyLength) document[FullName(name)] = value;
    }

    public static string? Key(this BsonDocument document, string name) => document.String(FullName(name)) ?? document.String(name);

    public static string? String(this BsonDocument document, string name) => document[name].IsNull ? null : document[name].AsString;

    public static long? NullableLong(this BsonDocument document, string name) => document[name].IsNull ? null : document[name].AsInt64;

    public static long Long(this BsonDocument document, string name) => document[name].IsNull ? 0 : document[name].AsInt64;

    public static int Int(this BsonDocument document, string name) => document[name].IsNull ? 0 : document[name].AsInt32;

    public static bool Bool(this BsonDocument document, string name) => !document[name].IsNull && document[name].AsBoolean;

    public static TEnum Enum<TEnum>(this BsonDocument document, string name, TEnum absent) where TEnum : struct, System.Enum =>
        document[name].IsNull ? absent : System.Enum.Parse<TEnum>(document[name].AsString);

    public static BsonArray Strings(IEnumerable<string> values) => new(values.Select(v => new BsonValue(v)));

    public static List<string> Strings(BsonValue array) => array.IsArray ? array.AsArray.Select(v => v.AsString).ToList() : [];

    /// <summary>[name, value] pairs: half the size of {name, value} documents, and header order is kept.</summary>
    public static BsonArray Pairs<T>(IEnumerable<T> items, Func<T, string> name, Func<T, string> value) =>
        new(items.Select(i => (BsonValue)new BsonArray(new BsonValue(name(i)), new BsonValue(value(i)))));

    public static List<T> Pairs<T>(BsonValue array, Func<string, string, T> create) =>
        array.IsArray ? array.AsArray.Select(p => create(p.AsArray[0].AsString, p.AsArray[1].AsString)).ToList() : [];
}
