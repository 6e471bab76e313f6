using System.Globalization;
using Sniffer.Dissectors.Http.Records;

namespace Sniffer.Dissectors.Http.Semantics;

/// <summary>Collects validators and freshness fields and classifies a conditional GET (RFC 9110 §13, RFC 9111).</summary>
internal static class CachingClassifier
{
    public static HttpCaching Classify(HttpRequest? request, HttpResponse? response)
    {
        IReadOnlyList<HttpHeader> requestHeaders = request?.Headers ?? [];
        IReadOnlyList<HttpHeader> responseHeaders = response?.Headers ?? [];
        string? ifModifiedSince = HeaderValues.First(requestHeaders, "If-Modified-Since");
        string? ifNoneMatch = HeaderValues.First(requestHeaders, "If-None-Match");
        string? eTag = HeaderValues.First(responseHeaders, "ETag");
        string? lastModified = HeaderValues.First(responseHeaders, "Last-Modified");
        string? cacheControl = HeaderValues.First(responseHeaders, "Cache-Control");

        bool conditional = ifModifiedSince is not null || ifNoneMatch is not null;
        HttpRevalidation revalidation = !conditional ? HttpRevalidation.Unconditional : response?.StatusCode switch
        {
            304 => HttpRevalidation.NotModified,
            200 => HttpRevalidation.Changed,
            _ => HttpRevalidation.Other,
        };

        return new HttpCaching
        {
            IfModifiedSince = ifModifiedSince,
            IfNoneMatch = ifNoneMatch,
            ETag = eTag,
            LastModified = lastModified,
            CacheControl = cacheControl,
            RequestCacheControl = HeaderValues.First(requestHeaders, "Cache-Control"),
            Expires = HeaderValues.First(responseHeaders, "Expires"),
            AgeSeconds = ParseNumber(HeaderValues.First(responseHeaders, "Age")),
            DeclaredContentLength = ParseNumber(HeaderValues.First(responseHeaders, "Content-Length")),
            Revalidation = revalidation,
            CacheableWithoutValidator = request is not null && response is not null
                && IsStorable(request.Method, response.StatusCode, cacheControl)
                && eTag is null && lastModified is null,
        };
    }

    /// <summary>
    /// A response a shared or private cache may store (RFC 9111 §3): a GET or HEAD, a status that is
    /// heuristically cacheable (RFC 9110 §15.1), and no no-store.
    /// </summary>
    private static bool IsStorable(string method, int statusCode, string? cacheControl) =>
        method is "GET" or "HEAD"
        && statusCode is 200 or 203 or 204 or 206 or 300 or 301 or 308 or 404 or 405 or 410 or 414 or 501
        && cacheControl?.Contains("no-store", StringComparison.OrdinalIgnoreCase) != true;

    private static long? ParseNumber(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : null;
}
