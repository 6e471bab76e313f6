using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Sniffer.Servers.Http.Content;

namespace Sniffer.Servers.Http;

/// <summary>
/// Every request of the test server: the tracker host's pixel, and the site's page, objects, redirects, chunked and
/// closing responses, form and upload. Virtual hosts are told apart by the Host field (RFC 9112 §3.2).
/// </summary>
internal sealed class TestSiteApplication(ObjectCatalog catalog, int pageObjects, TimeProvider clock)
{
    private const string ObjectsPrefix = "/objects/";
    private const string ChangeSuffix = "/change";

    /// <summary>Concurrent changes of one object each wait for a second of their own; past this many the client is told to retry.</summary>
    private const int MaxChangeAttempts = 5;
    private const string StatusPrefix = "/status/";
    private const string Html = "text/html; charset=utf-8";

    /// <summary>One year, the lifetime trackers give their identifiers.</summary>
    private const int TrackerCookieSeconds = 31_536_000;

    public Task HandleAsync(HttpContext context)
    {
        if (string.Equals(context.Request.Host.Host, TestSite.TrackerHost, StringComparison.OrdinalIgnoreCase))
        {
            return TrackerAsync(context);
        }
        string path = context.Request.Path.Value ?? "/";
        return path switch
        {
            "/" => PageAsync(context),
            "/redirect" => RedirectAsync(context, StatusCodes.Status302Found, "/"),
            "/moved" => RedirectAsync(context, StatusCodes.Status301MovedPermanently, ObjectsPrefix + "style.css"),
            "/chunked" => ChunkedAsync(context),
            "/close" => CloseAsync(context),
            "/form" => FormAsync(context, SitePages.Form(), SubmitFormAsync),
            "/upload" => FormAsync(context, SitePages.UploadForm(), UploadAsync),
            _ when path.StartsWith(ObjectsPrefix, StringComparison.Ordinal) => ObjectAsync(context, path[ObjectsPrefix.Length..]),
            _ when path.StartsWith(StatusPrefix, StringComparison.Ordinal) => StatusAsync(context, path[StatusPrefix.Length..]),
            _ => Responses.StatusAsync(context, StatusCodes.Status404NotFound),
        };
    }

    private Task PageAsync(HttpContext context)
    {
        if (!Responses.MethodIs(context, HttpMethods.Get, HttpMethods.Head)) return Responses.StatusAsync(context, StatusCodes.Status405MethodNotAllowed);
        // HTTP is stateless; the cookie is how the site recognises the next request as the same visitor (RFC 6265).
        if (!context.Request.Cookies.ContainsKey(TestSite.SessionCookie))
        {
            context.Response.Headers.Append(HeaderNames.SetCookie, $"{TestSite.SessionCookie}={NewIdentifier()}; Path=/; HttpOnly");
        }
        return Responses.WriteAsync(context, Html, Encoding.UTF8.GetBytes(SitePages.Page(TestSite.ObjectNames.Take(pageObjects))));
    }

    private Task ObjectAsync(HttpContext context, string rest)
    {
        if (rest.EndsWith(ChangeSuffix, StringComparison.Ordinal))
        {
            return ChangeAsync(context, rest[..^ChangeSuffix.Length]);
        }
        if (!catalog.TryGet(rest, out StaticObject? staticObject)) return Responses.StatusAsync(context, StatusCodes.Status404NotFound);
        if (!Responses.MethodIs(context, HttpMethods.Get, HttpMethods.Head)) return Responses.StatusAsync(context, StatusCodes.Status405MethodNotAllowed);

        Representation current = staticObject.Current;
        ContentCoding coding = staticObject.Compressible
            ? ContentCodings.Choose(context.Request.Headers.AcceptEncoding)
            : ContentCoding.Identity;
        Variant variant = current.Select(coding);

        // A 304 carries the same validators and caching fields a 200 would have (RFC 9110 §15.4.5).
        IHeaderDictionary headers = context.Response.Headers;
        DateTimeOffset now = clock.GetUtcNow();
        // Our own Date, from the clock Last-Modified comes from: Kestrel's cached one can lag by up to a second and
        // would then read as older than a Last-Modified set just before (RFC 9110 §8.8.2.1 compares the two).
        headers.Date = HeaderUtilities.FormatDate(now);
        headers.ETag = variant.EntityTag;
        headers.LastModified = HeaderUtilities.FormatDate(current.LastModified);
        // no-cache: a cache may keep the object but must revalidate it before each use, so every reload shows a
        // conditional GET and its outcome.
        headers.CacheControl = "no-cache";
        if (staticObject.Compressible) headers.Vary = HeaderNames.AcceptEncoding;

        if (Preconditions.IsNotModified(context.Request, variant.EntityTag, current.LastModified, now))
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        context.Response.ContentType = staticObject.ContentType;
        if (coding != ContentCoding.Identity) headers.ContentEncoding = ContentCodings.Token(coding);
        return Responses.WriteBodyAsync(context, variant.Body);
    }

    /// <summary>
    /// <c>POST /objects/NAME/change</c>: the next version of the object, so the next revalidation gets a 200. A second
    /// change within the same second of the clock waits for the next one (see <see cref="StaticObject.TryChange"/>).
    /// </summary>
    private async Task ChangeAsync(HttpContext context, string name)
    {
        if (!catalog.TryGet(name, out StaticObject? staticObject))
        {
            await Responses.StatusAsync(context, StatusCodes.Status404NotFound);
            return;
        }
        if (!Responses.MethodIs(context, HttpMethods.Post))
        {
            await Responses.StatusAsync(context, StatusCodes.Status405MethodNotAllowed);
            return;
        }
        // Each wait ends in a new second, so a retry is needed only when a concurrent change took that second first.
        for (int attempt = 0; attempt < MaxChangeAttempts; attempt++)
        {
            TimeSpan wait = staticObject.TryChange(clock.GetUtcNow());
            if (wait <= TimeSpan.Zero)
            {
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return;
            }
            await Task.Delay(wait, clock, context.RequestAborted);
        }
        await Responses.StatusAsync(context, StatusCodes.Status503ServiceUnavailable);
    }

    private static Task RedirectAsync(HttpContext context, int status, string location)
    {
        if (!Responses.MethodIs(context, HttpMethods.Get, HttpMethods.Head)) return Responses.StatusAsync(context, StatusCodes.Status405MethodNotAllowed);
        context.Response.StatusCode = status;
        context.Response.Headers.Location = location;
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    /// <summary>
    /// A body of unknown length: no Content-Length, so Kestrel frames it with the chunked transfer coding
    /// (RFC 9112 §7.1), one chunk per flush.
    /// </summary>
    private static async Task ChunkedAsync(HttpContext context)
    {
        if (!Responses.MethodIs(context, HttpMethods.Get, HttpMethods.Head))
        {
            await Responses.StatusAsync(context, StatusCodes.Status405MethodNotAllowed);
            return;
        }
        const int chunks = 5;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = Responses.NoStore;
        if (HttpMethods.IsHead(context.Request.Method)) return;
        for (int chunk = 1; chunk <= chunks; chunk++)
        {
            string line = string.Create(CultureInfo.InvariantCulture, $"chunk {chunk} of {chunks}: ");
            await context.Response.WriteAsync(line + new string((char)('a' + chunk - 1), 100 * chunk) + "\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }

    /// <summary>Non-persistent HTTP on demand: "Connection: close" tells the client, and Kestrel closes after the response (RFC 9112 §9.6).</summary>
    private static Task CloseAsync(HttpContext context)
    {
        if (!Responses.MethodIs(context, HttpMethods.Get, HttpMethods.Head)) return Responses.StatusAsync(context, StatusCodes.Status405MethodNotAllowed);
        context.Response.Headers.Connection = "close";
        return Responses.TextAsync(context, StatusCodes.Status200OK, "This response closes the connection.\n");
    }

    /// <summary>GET (or HEAD) shows a form's page; POST submits it.</summary>
    private static Task FormAsync(HttpContext context, string page, Func<HttpContext, Task> submit)
    {
        if (!Responses.MethodIs(context, HttpMethods.Get, HttpMethods.Head, HttpMethods.Post)) return Responses.StatusAsync(context, StatusCodes.Status405MethodNotAllowed);
        return HttpMethods.IsPost(context.Request.Method) ? submit(context) : Responses.WriteAsync(context, Html, Encoding.UTF8.GetBytes(page));
    }

    /// <summary><c>POST /form</c>: the fields of an application/x-www-form-urlencoded body, echoed back.</summary>
    private static async Task SubmitFormAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType || context.Request.ContentType!.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
        {
            await Responses.TextAsync(context, StatusCodes.Status415UnsupportedMediaType, "POST /form takes application/x-www-form-urlencoded\n");
            return;
        }
        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (InvalidDataException error)
        {
            // Over the form reader's limits (value count, lengths) or not decodable.
            await Responses.TextAsync(context, StatusCodes.Status400BadRequest, $"The form could not be read: {error.Message}\n");
            return;
        }
        var fields = form.SelectMany(field => field.Value.Select(value => KeyValuePair.Create(field.Key, value ?? "")));
        await Responses.WriteAsync(context, Html, Encoding.UTF8.GetBytes(SitePages.FormEcho(fields)));
    }

    /// <summary><c>POST /upload</c>: each part of a multipart/form-data body, listed as JSON with its size and SHA-256.</summary>
    private static async Task UploadAsync(HttpContext context)
    {
        if (Uploads.Boundary(context.Request) is not { } boundary)
        {
            await Responses.TextAsync(context, StatusCodes.Status415UnsupportedMediaType, "POST /upload takes multipart/form-data with a boundary\n");
            return;
        }
        UploadReport report;
        try
        {
            report = await Uploads.ReadAsync(context.Request, boundary, context.RequestAborted);
        }
        catch (InvalidDataException error)
        {
            await Responses.TextAsync(context, StatusCodes.Status400BadRequest, $"The upload could not be read: {error.Message}\n");
            return;
        }
        await Responses.WriteAsync(context, "application/json; charset=utf-8", JsonSerializer.SerializeToUtf8Bytes(report));
    }

    /// <summary><c>/status/NNN</c> answers with that status, for examples of 404, 500 and the rest.</summary>
    private static Task StatusAsync(HttpContext context, string code)
    {
        // Informational codes cannot be a final answer, so 200–599 only.
        if (!int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out int status) || status is < 200 or > 599)
        {
            return Responses.TextAsync(context, StatusCodes.Status400BadRequest, "The status must be a number from 200 to 599.\n");
        }
        if (status is StatusCodes.Status204NoContent or StatusCodes.Status304NotModified)
        {
            // Neither may have content (RFC 9110 §15.3.5, §15.4.5).
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        return Responses.StatusAsync(context, status);
    }

    /// <summary>The tracker host: a 1×1 GIF whose response gives the browser a long-lived identifier.</summary>
    private static Task TrackerAsync(HttpContext context)
    {
        if (context.Request.Path.Value != "/pixel.gif") return Responses.StatusAsync(context, StatusCodes.Status404NotFound);
        if (!Responses.MethodIs(context, HttpMethods.Get, HttpMethods.Head)) return Responses.StatusAsync(context, StatusCodes.Status405MethodNotAllowed);
        // A visitor the tracker already knows keeps its identifier; that sameness across sites is what tracks them.
        if (!context.Request.Cookies.ContainsKey(TestSite.TrackerCookie))
        {
            context.Response.Headers.Append(HeaderNames.SetCookie,
                $"{TestSite.TrackerCookie}={NewIdentifier()}; Domain={TestSite.TrackerHost}; Path=/; Max-Age={TrackerCookieSeconds}; SameSite=None");
        }
        // Never cached, so every page view reaches the tracker.
        context.Response.Headers.CacheControl = Responses.NoStore;
        context.Response.ContentType = "image/gif";
        return Responses.WriteBodyAsync(context, ObjectContent.TrackingPixel.ToArray());
    }

    private static string NewIdentifier() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
}
