namespace Sniffer.Dissectors.Http.Parsing;

/// <summary>Syntax the peers accept in practice but RFC 9112 does not; reported so it can become an anomaly.</summary>
[Flags]
public enum HttpLeniency
{
    None = 0,

    /// <summary>A line ended by LF alone (RFC 9112 §2.2 allows a recipient to accept it).</summary>
    BareLineFeed = 1 << 0,

    /// <summary>A header value continued on the next line (obs-fold, RFC 9112 §5.2).</summary>
    ObsoleteLineFolding = 1 << 1,

    /// <summary>Whitespace between a field name and its colon (RFC 9112 §5.1 says a server must reject it).</summary>
    WhitespaceBeforeColon = 1 << 2,

    /// <summary>Unescaped spaces inside the request-target.</summary>
    SpaceInTarget = 1 << 3,

    /// <summary>Empty lines before a request-line (RFC 9112 §2.2 says to ignore at least one).</summary>
    EmptyLineBeforeStartLine = 1 << 4,

    /// <summary>A method that is not upper case; methods are case-sensitive (RFC 9110 §9.1).</summary>
    LowerCaseMethod = 1 << 5,

    /// <summary>A line in the header section with no colon, skipped (RFC 9112 §5 has no room for it).</summary>
    FieldLineWithoutColon = 1 << 6,
}

/// <summary>Receives what the parsers find. Implement on a struct so calls are devirtualised (Kestrel's pattern).</summary>
public interface IHttpLeniencyHandler
{
    void OnLeniency(HttpLeniency leniency);
}

public interface IHttpRequestLineHandler : IHttpLeniencyHandler
{
    /// <summary><paramref name="version"/> is <see cref="HttpProtocolVersion.Http09"/> for a simple request (no version).</summary>
    void OnRequestLine(ReadOnlySpan<byte> method, ReadOnlySpan<byte> target, HttpProtocolVersion version);
}

public interface IHttpStatusLineHandler : IHttpLeniencyHandler
{
    void OnStatusLine(HttpProtocolVersion version, int statusCode, ReadOnlySpan<byte> reasonPhrase);
}

public interface IHttpHeadersHandler : IHttpLeniencyHandler
{
    /// <summary>One field; an obs-folded value arrives already joined with single spaces.</summary>
    void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value);
}

/// <summary>HTTP-version (RFC 9112 §2.3): two single digits.</summary>
public readonly record struct HttpProtocolVersion(byte Major, byte Minor)
{
    public static HttpProtocolVersion Http09 => new(0, 9);

    public static HttpProtocolVersion Http10 => new(1, 0);

    public static HttpProtocolVersion Http11 => new(1, 1);

    public override string ToString() => $"HTTP/{Major}.{Minor}";
}
