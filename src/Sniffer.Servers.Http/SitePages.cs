using System.Net;
using System.Text;

namespace Sniffer.Servers.Http;

/// <summary>The site's HTML: the page that references the objects, the form, and the form's echo.</summary>
internal static class SitePages
{
    /// <summary>
    /// A page like a browser would load: a stylesheet, a script, images and data, each a separate request, and a
    /// tracker pixel from the second host so the tracker's cookie is a third-party one.
    /// </summary>
    public static string Page(IEnumerable<string> objectNames)
    {
        var html = new StringBuilder("""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Sniffer test site</title>

            """);
        var body = new StringBuilder();
        foreach (string name in objectNames)
        {
            string url = $"/objects/{name}";
            switch (Path.GetExtension(name))
            {
                case ".css": html.Append($"<link rel=\"stylesheet\" href=\"{url}\">\n"); break;
                case ".js": html.Append($"<script src=\"{url}\" defer></script>\n"); break;
                case ".json": html.Append($"<link rel=\"preload\" as=\"fetch\" crossorigin href=\"{url}\">\n"); break;
                default: body.Append($"<img src=\"{url}\" alt=\"{name}\">\n"); break;
            }
        }
        html.Append("""
            </head>
            <body>
            <h1>Sniffer test site</h1>
            <p>Every object on this page is a request of its own; reload to see them revalidated.</p>

            """);
        html.Append(body);
        html.Append($"""
            <img src="{TestSite.TrackerPixelUrl}" width="1" height="1" alt="">
            <p><a href="/form">A form</a> · <a href="/upload">An upload</a> · <a href="/redirect">A redirect</a> · <a href="/chunked">A chunked response</a></p>
            </body>
            </html>

            """);
        return html.ToString();
    }

    public static string Form() => """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Sniffer test form</title></head>
        <body>
        <form method="post" action="/form">
        <label>Name <input name="name"></label>
        <label>E-mail <input name="email" type="email"></label>
        <label>Comment <textarea name="comment"></textarea></label>
        <button type="submit">Send</button>
        </form>
        </body>
        </html>

        """;

    public static string UploadForm() => """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Sniffer test upload</title></head>
        <body>
        <form method="post" action="/upload" enctype="multipart/form-data">
        <label>Description <input name="description"></label>
        <label>File <input name="file" type="file" multiple></label>
        <button type="submit">Upload</button>
        </form>
        </body>
        </html>

        """;

    /// <summary>The submitted fields, every name and value HTML-escaped: they are whatever the client sent.</summary>
    public static string FormEcho(IEnumerable<KeyValuePair<string, string>> fields)
    {
        var html = new StringBuilder("""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Form received</title></head>
            <body>
            <h1>Form received</h1>
            <dl>

            """);
        foreach ((string name, string value) in fields)
        {
            html.Append($"<dt>{WebUtility.HtmlEncode(name)}</dt><dd>{WebUtility.HtmlEncode(value)}</dd>\n");
        }
        html.Append("</dl>\n</body>\n</html>\n");
        return html.ToString();
    }
}
