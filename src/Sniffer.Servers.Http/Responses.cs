using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Sniffer.Servers.Http;

/// <summary>Writing whole bodies: Content-Length always, compression for text types, nothing for HEAD.</summary>
internal static class Responses
{
    public const string NoStore = "no-store";

    /// <summary>Below this, gzip's own framing outweighs what it saves (nginx's gzip_min_length works the same way).</summary>
    private const int MinimumToCompress = 256;

    /// <summary>
    /// A body made for this request. Unless the caller chose otherwise it is not to be stored: the objects, with
    /// their validators, are what the site offers to caches.
    /// </summary>
    public static Task WriteAsync(HttpContext context, string contentType, byte[] body)
    {
        HttpResponse response = context.Response;
        response.ContentType = contentType;
        if (!response.Headers.ContainsKey(HeaderNames.CacheControl)) response.Headers.CacheControl = NoStore;
        if (ContentCodings.IsCompressible(contentType) && body.Length >= MinimumToCompress)
        {
            // The body depends on Accept-Encoding, which caches must know to key on it (RFC 9110 §12.5.5).
            response.Headers.Vary = HeaderNames.AcceptEncoding;
            ContentCoding coding = ContentCodings.Choose(context.Request.Headers.AcceptEncoding);
            if (coding != ContentCoding.Identity)
            {
                body = ContentCodings.Encode(body, coding);
                response.Headers.ContentEncoding = ContentCodings.Token(coding);
            }
        }
        return WriteBodyAsync(context, body);
    }

    /// <summary>The body as it goes on the wire; a HEAD response carries the same Content-Length and no body (RFC 9110 §9.3.2).</summary>
    public static Task WriteBodyAsync(HttpContext context, byte[] body)
    {
        context.Response.ContentLength = body.Length;
        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    public static Task TextAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        return WriteAsync(context, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(text));
    }

    /// <summary>"404 Not Found" and the like, as a one-line plain-text body.</summary>
    public static Task StatusAsync(HttpContext context, int status) =>
        TextAsync(context, status, $"{status} {ReasonPhrases.GetReasonPhrase(status)}\n");

    /// <summary>
    /// True when the method is one of <paramref name="allowed"/>; otherwise the response becomes 405 with the
    /// Allow field RFC 9110 §15.5.6 requires, and the caller writes it.
    /// </summary>
    public static bool MethodIs(HttpContext context, params string[] allowed)
    {
        foreach (string method in allowed)
        {
            if (HttpMethods.Equals(context.Request.Method, method)) return true;
        }
        context.Response.Headers.Allow = string.Join(", ", allowed);
        return false;
    }
}
