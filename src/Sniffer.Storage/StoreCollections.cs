namespace Sniffer.Storage;

/// <summary>Collection names of a session database (SCHEMA.md describes their documents).</summary>
public static class StoreCollections
{
    public const string Meta = "sniffer_meta";
    public const string Captures = "captures";
    public const string Flows = "flows";
    public const string Http = "http";

    /// <summary>One row per cookie sent or set, pointing at its exchange.</summary>
    public const string Cookies = "cookies";

    public const string Anomalies = "anomalies";

    /// <summary>LiteDB file storage of body content, one file per SHA-256 (its id).</summary>
    public const string BodyFiles = "bodies";

    public const string BodyChunks = "body_chunks";
}
