using LiteDB;
using Sniffer.Dissectors.Http.Records;

namespace Sniffer.Storage.Mapping;

/// <summary>
/// HTTP exchanges. What lists and filters use (host, method, uri, status) is lifted to the top level and
/// indexed; the messages keep their full shape below. Body bytes go to file storage under their SHA-256,
/// once however many exchanges carried them; cookies are also written to their own collection so "every
/// exchange that sent cookie X" is one index seek.
/// </summary>
internal sealed class HttpTransactionMapping : RecordMapping<HttpTransaction>
{

    public override string Collection => StoreCollections.Http;

    public override void EnsureIndexes(LiteDatabase database)
    {
        base.EnsureIndexes(database);
        var http = database.GetCollection(Collection);
        http.EnsureIndex("host", "$.host");
        http.EnsureIndex("status", "$.status");
        http.EnsureIndex("uri", "$.uri");
        var cookies = database.GetCollection(StoreCollections.Cookies);
        cookies.EnsureIndex("http", "$.http");
        cookies.EnsureIndex("name", "$.name");
        cookies.EnsureIndex("host", "$.host");
    }

    protected override void Write(HttpTransaction t, BsonDocument d, StoreBatch batch)
    {
        d["index"] = t.Index;
        d.SetKey("host", t.Host);
        d.SetKey("method", t.Request?.Method);
        d.SetKey("uri", t.Request?.Target);
        if (t.Response is { } response) d["status"] = response.StatusCode;
        if (t.Request is { } request) d["request"] = WriteRequest(request, batch);
        if (t.Response is not null) d["response"] = WriteResponse(t.Response, batch);
        if (t.InterimResponses.Count > 0) d["interim"] = new BsonArray(t.InterimResponses.Select(WriteInterim));
        d["timings"] = WriteTimings(t.Timings);
        d.Set("referer", t.Referer);
        d.Set("origin", t.Origin);
        if (t.Cookies.Count > 0) d["cookies"] = Bson.Pairs(t.Cookies, c => c.Name, c => c.Value);
        if (t.SetCookies.Count > 0) d["set_cookies"] = new BsonArray(t.SetCookies.Select(c => (BsonValue)WriteSetCookie(c)));
        if (t.Credentials is { } credentials) d["credentials"] = WriteCredentials(credentials);
        d["caching"] = WriteCaching(t.Caching);
        if (t.HandOff != HttpHandOff.None) d["hand_off"] = t.HandOff.ToString();
        d.Set("hand_off_target", t.HandOffTarget);
        batch.Add(Collection, d);
        WriteCookieRows(t, d, batch);
    }

    private static void WriteCookieRows(HttpTransaction t, BsonDocument exchange, StoreBatch batch)
    {
        foreach (HttpCookie cookie in t.Cookies) batch.Add(StoreCollections.Cookies, CookieRow(exchange, batch, "sent", cookie.Name, cookie.Value));
        foreach (HttpSetCookie cookie in t.SetCookies)
        {
            BsonDocument row = CookieRow(exchange, batch, "set", cookie.Name, cookie.Value);
            row.Set("domain", cookie.Domain);
            row.Set("path", cookie.Path);
            batch.Add(StoreCollections.Cookies, row);
        }
    }

    private static BsonDocument CookieRow(BsonDocument exchange, StoreBatch batch, string direction, string name, string value)
    {
        var row = new BsonDocument
        {
            [StoredFields.Id] = batch.NextId(StoreCollections.Cookies),
            [StoredFields.Capture] = exchange[StoredFields.Capture],
            [StoredFields.Flow] = exchange[StoredFields.Flow],
            [StoredFields.Time] = exchange[StoredFields.Time],
            ["http"] = exchange[StoredFields.Id],
            ["direction"] = direction,
            ["value"] = value,
        };
        row.SetKey("name", name);
        if (!exchange["host"].IsNull) row["host"] = exchange["host"];
        return row;
    }

    protected override HttpTransaction ReadRecord(BsonDocument d) => new()
    {
        FlowId = d.Long(StoredFields.Flow),
        TimeNs = d.Long(StoredFields.Time),
        Index = d.Int("index"),
        Host = d.Key("host"),
        Request = d["request"].IsDocument ? ReadRequest(d["request"].AsDocument) : null,
        Response = d["response"].IsDocument ? ReadResponse(d["response"].AsDocument) : null,
        InterimResponses = d["interim"].IsArray ? d["interim"].AsArray.Select(i => ReadInterim(i.AsDocument)).ToList() : [],
        Timings = ReadTimings(d["timings"].AsDocument),
        Referer = d.String("referer"),
        Origin = d.String("origin"),
        Cookies = Bson.Pairs(d["cookies"], (n, v) => new HttpCookie(n, v)),
        SetCookies = d["set_cookies"].IsArray ? d["set_cookies"].AsArray.Select(c => ReadSetCookie(c.AsDocument)).ToList() : [],
        Credentials = d["credentials"].IsDocument ? ReadCredentials(d["credentials"].AsDocument) : null,
        Caching = ReadCaching(d["caching"].AsDocument),
        HandOff = d.Enum("hand_off", HttpHandOff.None),
        HandOffTarget = d.String("hand_off_target"),
    };

    private static BsonDocument WriteRequest(HttpRequest r, StoreBatch batch)
    {
        var d = new BsonDocument
        {
            ["method"] = r.Method,
            ["target"] = r.Target,
            ["target_form"] = r.TargetForm.ToString(),
            ["version"] = r.Version,
            ["headers"] = Bson.Pairs(r.Headers, h => h.Name, h => h.Value),
            ["header_bytes"] = r.HeaderBytes,
        };
        if (r.Body is { } body) d["body"] = WriteBody(body, batch);
        if (!r.Complete) d["complete"] = false;
        return d;
    }

    private static HttpRequest ReadRequest(BsonDocument d) => new()
    {
        Method = d["method"].AsString,
        Target = d["target"].AsString,
        TargetForm = d.Enum("target_form", HttpTargetForm.Origin),
        Version = d["version"].AsString,
        Headers = Bson.Pairs(d["headers"], (n, v) => new HttpHeader(n, v)),
        HeaderBytes = d.Long("header_bytes"),
        Body = d["body"].IsDocument ? ReadBody(d["body"].AsDocument) : null,
        Complete = d["complete"].IsNull || d["complete"].AsBoolean,
    };

    private static BsonDocument WriteResponse(HttpResponse r, StoreBatch batch)
    {
        var d = new BsonDocument
        {
            ["version"] = r.Version,
            ["status"] = r.StatusCode,
            ["reason"] = r.ReasonPhrase,
            ["headers"] = Bson.Pairs(r.Headers, h => h.Name, h => h.Value),
            ["header_bytes"] = r.HeaderBytes,
        };
        if (r.Body is { } body) d["body"] = WriteBody(body, batch);
        if (!r.Complete) d["complete"] = false;
        return d;
    }

    private static HttpResponse ReadResponse(BsonDocument d) => new()
    {
        Version = d["version"].AsString,
        StatusCode = d.Int("status"),
        ReasonPhrase = d.String("reason") ?? "",
        Headers = Bson.Pairs(d["headers"], (n, v) => new HttpHeader(n, v)),
        HeaderBytes = d.Long("header_bytes"),
        Body = d["body"].IsDocument ? ReadBody(d["body"].AsDocument) : null,
        Complete = d["complete"].IsNull || d["complete"].AsBoolean,
    };

    private static BsonValue WriteInterim(HttpInterimResponse r) => new BsonDocument
    {
        ["status"] = r.StatusCode,
        ["reason"] = r.ReasonPhrase,
        ["headers"] = Bson.Pairs(r.Headers, h => h.Name, h => h.Value),
        [StoredFields.Time] = r.TimeNs,
    };

    private static HttpInterimResponse ReadInterim(BsonDocument d) => new()
    {
        StatusCode = d.Int("status"),
        ReasonPhrase = d.String("reason") ?? "",
        Headers = Bson.Pairs(d["headers"], (n, v) => new HttpHeader(n, v)),
        TimeNs = d.Long(StoredFields.Time),
    };

    /// <summary>The body's description; its bytes go to file storage under <see cref="HttpBody.Sha256"/>.</summary>
    private static BsonDocument WriteBody(HttpBody b, StoreBatch batch)
    {
        batch.AddBody(b.Sha256, b.Content);
        var d = new BsonDocument
        {
            ["framing"] = b.Framing.ToString(),
            ["wire_len"] = b.WireLength,
            ["encoded_len"] = b.EncodedLength,
            ["decoded_len"] = b.DecodedLength,
            ["sha256"] = b.Sha256,
            ["stored_len"] = b.Content.Length,
        };
        if (b.ContentEncodings.Count > 0) d["encodings"] = Bson.Strings(b.ContentEncodings);
        d.Set("truncated", b.ContentTruncated);
        d.Set("incomplete", b.Incomplete);
        if (b.MissingBytes != 0) d["missing_bytes"] = b.MissingBytes;
        d.Set("decode_error", b.DecodeError);
        d.Set("bomb", b.DecompressionBomb);
        d.Set("media_type", b.MediaType);
        if (b.ChunkCount != 0) d["chunks"] = b.ChunkCount;
        if (b.ChunkExtensions.Count > 0) d["chunk_extensions"] = Bson.Strings(b.ChunkExtensions);
        if (b.Trailers.Count > 0) d["trailers"] = Bson.Pairs(b.Trailers, h => h.Name, h => h.Value);
        if (b.Parts.Count > 0) d["parts"] = new BsonArray(b.Parts.Select(WritePart));
        return d;
    }

    /// <summary>Content is left empty: <see cref="SessionStoreReader.GetBody"/> fetches it by hash when it is wanted.</summary>
    private static HttpBody ReadBody(BsonDocument d) => new()
    {
        Framing = d.Enum("framing", HttpBodyFraming.ContentLength),
        WireLength = d.Long("wire_len"),
        EncodedLength = d.Long("encoded_len"),
        DecodedLength = d.Long("decoded_len"),
        Sha256 = d["sha256"].AsString,
        ContentEncodings = Bson.Strings(d["encodings"]),
        ContentTruncated = d.Bool("truncated"),
        Incomplete = d.Bool("incomplete"),
        MissingBytes = d.Long("missing_bytes"),
        DecodeError = d.String("decode_error"),
        DecompressionBomb = d.Bool("bomb"),
        MediaType = d.String("media_type"),
        ChunkCount = d.Int("chunks"),
        ChunkExtensions = Bson.Strings(d["chunk_extensions"]),
        Trailers = Bson.Pairs(d["trailers"], (n, v) => new HttpHeader(n, v)),
        Parts = d["parts"].IsArray ? d["parts"].AsArray.Select(p => ReadPart(p.AsDocument)).ToList() : [],
    };

    private static BsonValue WritePart(HttpMultipartPart p)
    {
        var d = new BsonDocument { ["size"] = p.Size };
        d.Set("name", p.Name);
        d.Set("file_name", p.FileName);
        d.Set("content_type", p.ContentType);
        return d;
    }

    private static HttpMultipartPart ReadPart(BsonDocument d) =>
        new(d.String("name"), d.String("file_name"), d.String("content_type"), d.Long("size"));

    private static BsonDocument WriteTimings(HttpTimings t)
    {
        var d = new BsonDocument();
        d.Set("request_start_ns", t.RequestStartNs);
        d.Set("request_end_ns", t.RequestEndNs);
        d.Set("response_start_ns", t.ResponseStartNs);
        d.Set("response_end_ns", t.ResponseEndNs);
        return d;
    }

    private static HttpTimings ReadTimings(BsonDocument d) => new()
    {
        RequestStartNs = d.NullableLong("request_start_ns"),
        RequestEndNs = d.NullableLong("request_end_ns"),
        ResponseStartNs = d.NullableLong("response_start_ns"),
        ResponseEndNs = d.NullableLong("response_end_ns"),
    };

    private static BsonDocument WriteSetCookie(HttpSetCookie c)
    {
        var d = new BsonDocument { ["name"] = c.Name, ["value"] = c.Value };
        d.Set("domain", c.Domain);
        d.Set("path", c.Path);
        d.Set("expires", c.Expires);
        d.Set("expires_unix", c.ExpiresUnixSeconds);
        d.Set("max_age", c.MaxAgeSeconds);
        d.Set("secure", c.Secure);
        d.Set("http_only", c.HttpOnly);
        d.Set("same_site", c.SameSite);
        d.Set("partitioned", c.Partitioned);
        return d;
    }

    private static HttpSetCookie ReadSetCookie(BsonDocument d) => new()
    {
        Name = d["name"].AsString,
        Value = d["value"].AsString,
        Domain = d.String("domain"),
        Path = d.String("path"),
        Expires = d.String("expires"),
        ExpiresUnixSeconds = d.NullableLong("expires_unix"),
        MaxAgeSeconds = d.NullableLong("max_age"),
        Secure = d.Bool("secure"),
        HttpOnly = d.Bool("http_only"),
        SameSite = d.String("same_site"),
        Partitioned = d.Bool("partitioned"),
    };

    private static BsonDocument WriteCredentials(HttpCredentials c)
    {
        var d = new BsonDocument { ["header"] = c.Header, ["scheme"] = c.Scheme };
        d.Set("user", c.UserName);
        d.Set("secret", c.Secret);
        d.Set("realm", c.Realm);
        return d;
    }

    private static HttpCredentials ReadCredentials(BsonDocument d) => new()
    {
        Header = d["header"].AsString,
        Scheme = d["scheme"].AsString,
        UserName = d.String("user"),
        Secret = d.String("secret"),
        Realm = d.String("realm"),
    };

    private static BsonDocument WriteCaching(HttpCaching c)
    {
        var d = new BsonDocument();
        d.Set("if_modified_since", c.IfModifiedSince);
        d.Set("if_none_match", c.IfNoneMatch);
        d.Set("etag", c.ETag);
        d.Set("last_modified", c.LastModified);
        d.Set("cache_control", c.CacheControl);
        d.Set("request_cache_control", c.RequestCacheControl);
        d.Set("expires", c.Expires);
        d.Set("age", c.AgeSeconds);
        d.Set("declared_length", c.DeclaredContentLength);
        if (c.Revalidation != HttpRevalidation.Unconditional) d["revalidation"] = c.Revalidation.ToString();
        d.Set("cacheable_without_validator", c.CacheableWithoutValidator);
        return d;
    }

    private static HttpCaching ReadCaching(BsonDocument d) => new()
    {
        IfModifiedSince = d.String("if_modified_since"),
        IfNoneMatch = d.String("if_none_match"),
        ETag = d.String("etag"),
        LastModified = d.String("last_modified"),
        CacheControl = d.String("cache_control"),
        RequestCacheControl = d.String("request_cache_control"),
        Expires = d.String("expires"),
        AgeSeconds = d.NullableLong("age"),
        DeclaredContentLength = d.NullableLong("declared_length"),
        Revalidation = d.Enum("revalidation", HttpRevalidation.Unconditional),
        CacheableWithoutValidator = d.Bool("cacheable_without_validator"),
    };
}
