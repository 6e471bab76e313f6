namespace Sniffer.Servers.Http.Content;

/// <summary>
/// The static objects under <c>/objects/NAME</c>: a fixed list, each with its current version. Sizes are those of a
/// small real site: a 6 KB stylesheet, a 40 KB script, a 12 KB logo, 3 KB of JSON and photos of 30–200 KB.
/// </summary>
internal sealed class ObjectCatalog
{
    private readonly record struct Entry(string Name, string ContentType, Func<string, int, byte[]> Generate);

    private const string Jpeg = "image/jpeg";

    private static readonly Entry[] Entries =
    [
        new("style.css", "text/css; charset=utf-8", (name, version) => ObjectContent.Stylesheet(name, version, 6_000)),
        new("app.js", "text/javascript; charset=utf-8", (name, version) => ObjectContent.Script(name, version, 40_000)),
        new("logo.png", "image/png", (name, version) => PngImage.Noise(64, 64, SplitMix64.For(name, version))), // about 12.4 KB
        new("data.json", "application/json; charset=utf-8", (name, version) => ObjectContent.Json(name, version, 3_000)),
        Photo(1, 64_000), Photo(2, 31_000), Photo(3, 120_000), Photo(4, 45_000),
        Photo(5, 198_000), Photo(6, 87_000), Photo(7, 52_000), Photo(8, 150_000),
        Photo(9, 36_000), Photo(10, 110_000), Photo(11, 73_000), Photo(12, 175_000),
    ];

    public static IReadOnlyList<string> Names { get; } = Array.ConvertAll(Entries, e => e.Name);

    private readonly Dictionary<string, StaticObject> _objects;

    public ObjectCatalog(DateTimeOffset created)
    {
        // URL paths are case-sensitive (RFC 3986 §6.2.2.1), so names are matched exactly.
        _objects = Entries.ToDictionary(
            e => e.Name,
            e => new StaticObject(e.Name, e.ContentType, e.Generate, created),
            StringComparer.Ordinal);
    }

    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out StaticObject? staticObject) =>
        _objects.TryGetValue(name, out staticObject);

    private static Entry Photo(int number, int bytes) =>
        new($"photo-{number}.jpg", Jpeg, (name, version) => ObjectContent.Jpeg(name, version, bytes));
}
