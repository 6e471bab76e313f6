using System.Security.Cryptography;

namespace Sniffer.Servers.Http.Content;

/// <summary>
/// One object and its current representation. A change replaces the representation as a whole, so a request
/// in flight keeps the bytes, ETag and Last-Modified that belong together.
/// </summary>
internal sealed class StaticObject
{
    private readonly Func<string, int, byte[]> _generate;
    private readonly Lock _changing = new();

    /// <summary>Timers may fire a little before their due time; waiting this much longer lands in the next second.</summary>
    private static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(50);
    private Representation _current;

    public StaticObject(string name, string contentType, Func<string, int, byte[]> generate, DateTimeOffset created)
    {
        Name = name;
        ContentType = contentType;
        _generate = generate;
        _current = new Representation(1, generate(name, 1), TruncateToSeconds(created));
    }

    public string Name { get; }

    public string ContentType { get; }

    /// <summary>Text compresses; images are compressed already, and recompressing them only costs time.</summary>
    public bool Compressible => ContentCodings.IsCompressible(ContentType);

    public Representation Current => Volatile.Read(ref _current);

    /// <summary>
    /// The next version: new bytes, so a new ETag, and a Last-Modified later than the previous one — unless that
    /// needs a date in the future. HTTP-dates have one-second resolution (RFC 9110 §5.6.7), so two versions in the
    /// same second would share a Last-Modified and a client revalidating with If-Modified-Since would be told the old
    /// one is current; and a Last-Modified later than the server's clock is forbidden (RFC 9110 §8.8.2.1). So a
    /// change in the second of the previous one is refused here and returns how long until it can be made.
    /// </summary>
    public TimeSpan TryChange(DateTimeOffset now)
    {
        lock (_changing)
        {
            Representation previous = _current;
            DateTimeOffset lastModified = TruncateToSeconds(now);
            if (lastModified <= previous.LastModified) return previous.LastModified.AddSeconds(1) - now + TimerSlack;
            int version = previous.Version + 1;
            Volatile.Write(ref _current, new Representation(version, _generate(Name, version), lastModified));
            return TimeSpan.Zero;
        }
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}

/// <summary>
/// One version of an object: its identity bytes and, made on first use, its gzip and br encodings. Each encoding is
/// a representation of its own with an entity tag of its own (RFC 9110 §8.8.3: validators must differ when the
/// content codings differ), so a cache never takes gzip bytes for the identity ones on a 304.
/// </summary>
internal sealed class Representation
{
    private readonly byte[] _identity;
    private readonly string _tagValue;
    private readonly Lazy<byte[]> _gzip;
    private readonly Lazy<byte[]> _brotli;

    public Representation(int version, byte[] identity, DateTimeOffset lastModified)
    {
        Version = version;
        LastModified = lastModified;
        _identity = identity;
        // A strong validator from the bytes themselves (RFC 9110 §8.8.1): it changes exactly when the content does.
        _tagValue = Convert.ToHexStringLower(SHA256.HashData(identity).AsSpan(0, 8));
        _gzip = new Lazy<byte[]>(() => ContentCodings.Encode(identity, ContentCoding.Gzip));
        _brotli = new Lazy<byte[]>(() => ContentCodings.Encode(identity, ContentCoding.Brotli));
    }

    public int Version { get; }

    public DateTimeOffset LastModified { get; }

    public Variant Select(ContentCoding coding) => coding switch
    {
        ContentCoding.Identity => new Variant(_identity, $"\"{_tagValue}\""),
        ContentCoding.Gzip => new Variant(_gzip.Value, $"\"{_tagValue}-gzip\""),
        ContentCoding.Brotli => new Variant(_brotli.Value, $"\"{_tagValue}-br\""),
        _ => throw new ArgumentOutOfRangeException(nameof(coding), coding, null),
    };
}

/// <summary>The bytes sent for one content coding and the entity tag (quoted) that names them.</summary>
internal readonly record struct Variant(byte[] Body, string EntityTag);
