using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;

namespace Sniffer.Generator.Http;

/// <summary>
/// A browser's state across requests: its cookie jar and the content codings it accepts. It sends each request
/// on the lane given, waits for the whole response, and logs the exchange as it was on the wire.
/// </summary>
internal sealed class UserAgent(ScenarioContext context, string? acceptEncoding = null)
{
    /// <summary>Enough of a decoded body to parse a page's links; the rest is only hashed.</summary>
    private const int KeptBodyBytes = 1 << 20;

    private readonly CookieContainer _jar = new();

    public ScenarioContext Context => context;

    /// <summary>
    /// Sends the request, records it (also when it fails) and returns what came back. Parallel requests record
    /// into <paramref name="log"/>, which the caller appends in a fixed order so the log does not depend on timing.
    /// </summary>
    /// <exception cref="OperationCanceledException">The run was stopped; the request is logged with an error first.</exception>
    public async Task<HttpOutcome> SendAsync(HttpLane lane, HttpRequestPlan plan, List<HttpRequestEntry>? log = null)
    {
        Action<HttpRequestEntry> record = log is null ? context.Recorder.Add : log.Add;
        var uri = new Uri($"http://{plan.Host}{plan.Path}");
        using var request = new HttpRequestMessage(plan.Method, uri);
        // The Cookie header is set here rather than by the handler so the log holds exactly the names sent (RFC 6265 §5.4).
        string cookieHeader = _jar.GetCookieHeader(uri);
        if (cookieHeader.Length > 0) request.Headers.TryAddWithoutValidation("Cookie", cookieHeader);
        if (plan.IfNoneMatch is not null) request.Headers.TryAddWithoutValidation("If-None-Match", plan.IfNoneMatch);
        if (plan.IfModifiedSince is not null) request.Headers.TryAddWithoutValidation("If-Modified-Since", plan.IfModifiedSince);
        string? encodings = plan.AcceptEncoding ?? acceptEncoding;
        if (encodings is not null) request.Headers.TryAddWithoutValidation("Accept-Encoding", encodings);
        if (plan.Referer is not null) request.Headers.TryAddWithoutValidation("Referer", plan.Referer);
        if (plan.ConnectionClose) request.Headers.ConnectionClose = true;
        request.Headers.TryAddWithoutValidation("User-Agent", "sniffer-generate/1");
        request.Content = plan.Content?.Invoke();

        var entry = new HttpRequestEntry
        {
            Scenario = context.Scenario,
            Repetition = context.Repetition,
            Connection = 0,
            ClientPort = 0,
            Method = plan.Method.Method,
            Host = plan.Host,
            Path = plan.Path,
            RequestCookies = CookieNames(cookieHeader),
            IfNoneMatch = plan.IfNoneMatch,
            IfModifiedSince = plan.IfModifiedSince,
            AcceptEncoding = encodings,
            ConnectionClose = plan.ConnectionClose,
            ExpectedStatus = plan.ExpectedStatus,
        };

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation);
        timeout.CancelAfter(context.Options.RequestTimeout);
        byte[] bodyStart = [];
        Uri? location = null;
        try
        {
            using HttpResponseMessage response = await lane.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            IReadOnlyList<string> setCookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? [.. values] : [];
            foreach (string setCookie in setCookies) Remember(uri, setCookie);
            string? contentEncoding = response.Content.Headers.ContentEncoding.Count == 0 ? null : string.Join(", ", response.Content.Headers.ContentEncoding);
            entry = entry with
            {
                Status = (int)response.StatusCode,
                SetCookies = [.. setCookies.Select(CookieName)],
                ContentEncoding = contentEncoding,
                ETag = response.Headers.TryGetValues("ETag", out var etags) ? etags.First() : null,
                LastModified = response.Content.Headers.TryGetValues("Last-Modified", out var modified) ? modified.First() : null,
            };
            location = response.Headers.Location is { } target ? new Uri(uri, target) : null;
            (long length, string sha256, bodyStart) = await ReadBodyAsync(response, timeout.Token).ConfigureAwait(false);
            entry = entry with { BodyLength = length, BodySha256 = sha256 };
        }
        catch (OperationCanceledException) when (!context.Cancellation.IsCancellationRequested)
        {
            entry = entry with { Error = $"no complete response within {context.Options.RequestTimeout.TotalSeconds:0.#} s" };
        }
        catch (OperationCanceledException)
        {
            record(WithConnection(entry with { Error = "the run was stopped during this request", Interrupted = true }, lane));
            throw;
        }
        catch (Exception error) when (error is HttpRequestException or IOException or InvalidDataException)
        {
            entry = entry with { Error = error.Message };
        }
        entry = WithConnection(entry, lane);
        record(entry);
        return new HttpOutcome(entry, bodyStart, location);
    }

    private static HttpRequestEntry WithConnection(HttpRequestEntry entry, HttpLane lane) =>
        lane.LatestConnection(entry.Host) is { } connection ? entry with { Connection = connection.Id, ClientPort = connection.ClientPort } : entry;

    private void Remember(Uri uri, string setCookie)
    {
        try
        {
            _jar.SetCookies(uri, setCookie);
        }
        catch (CookieException)
        {
            // A cookie the jar rejects (bad domain, bad syntax) is still logged by name; a browser would ignore it too.
        }
    }

    /// <summary>Removes the content codings in reverse order of application (RFC 9110 §8.4) and hashes the result.</summary>
    private static async Task<(long Length, string Sha256, byte[] Start)> ReadBodyAsync(HttpResponseMessage response, CancellationToken ct)
    {
        Stream body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        foreach (string coding in response.Content.Headers.ContentEncoding.Reverse())
        {
            body = coding.Trim().ToLowerInvariant() switch
            {
                "gzip" or "x-gzip" => new GZipStream(body, CompressionMode.Decompress),
                "br" => new BrotliStream(body, CompressionMode.Decompress),
                "deflate" => new ZLibStream(body, CompressionMode.Decompress),
                "identity" => body,
                _ => throw new InvalidDataException($"unknown content coding '{coding}'"),
            };
        }
        await using (body.ConfigureAwait(false))
        {
            using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using var start = new MemoryStream();
            byte[] buffer = new byte[16 * 1024];
            long length = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                sha256.AppendData(buffer, 0, read);
                if (start.Length < KeptBodyBytes) start.Write(buffer, 0, (int)Math.Min(read, KeptBodyBytes - start.Length));
                length += read;
            }
            return (length, Convert.ToHexStringLower(sha256.GetHashAndReset()), start.ToArray());
        }
    }

    private static IReadOnlyList<string> CookieNames(string cookieHeader) =>
        cookieHeader.Length == 0 ? [] : [.. cookieHeader.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(CookieName)];

    private static string CookieName(string pair)
    {
        int equals = pair.IndexOf('=');
        return (equals < 0 ? pair : pair[..equals]).Trim();
    }
}
