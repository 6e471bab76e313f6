using System.Security.Cryptography;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Sniffer.Servers.Http;

/// <summary>One part of a multipart/form-data upload as the server saw it (the JSON of <c>POST /upload</c>).</summary>
public sealed record UploadedPart(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("filename")] string? Filename,
    [property: JsonPropertyName("contentType")] string ContentType,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("sha256")] string Sha256);

/// <summary>The parts of <c>POST /upload</c>, hashed as they stream past: nothing of a part is kept.</summary>
public sealed record UploadReport([property: JsonPropertyName("parts")] IReadOnlyList<UploadedPart> Parts);

/// <summary>Reads multipart/form-data (RFC 7578) part by part.</summary>
internal static class Uploads
{
    /// <summary>Enough for any form; more parts are refused rather than counted without end.</summary>
    public const int MaxParts = 64;

    /// <summary>RFC 2046 §5.1.1: a boundary is 1 to 70 characters.</summary>
    private const int MaxBoundaryLength = 70;

    /// <summary>The boundary of a multipart/form-data body, or null when the request is not one.</summary>
    public static string? Boundary(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out MediaTypeHeaderValue? mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        string boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).ToString();
        return boundary.Length is > 0 and <= MaxBoundaryLength ? boundary : null;
    }

    /// <exception cref="InvalidDataException">The body is not well-formed multipart, or has more than <see cref="MaxParts"/> parts.</exception>
    public static async Task<UploadReport> ReadAsync(HttpRequest request, string boundary, CancellationToken cancel)
    {
        var reader = new MultipartReader(boundary, request.Body);
        var parts = new List<UploadedPart>();
        byte[] buffer = new byte[16 * 1024];
        while (await reader.ReadNextSectionAsync(cancel) is { } section)
        {
            if (parts.Count == MaxParts) throw new InvalidDataException($"more than {MaxParts} parts");
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out ContentDispositionHeaderValue? disposition)
                || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException("a part without Content-Disposition: form-data");
            }
            using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long size = 0;
            int read;
            while ((read = await section.Body.ReadAsync(buffer, cancel)) > 0)
            {
                sha256.AppendData(buffer, 0, read);
                size += read;
            }
            string? filename = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value
                : disposition.FileName.HasValue ? HeaderUtilities.RemoveQuotes(disposition.FileName).Value
                : null;
            parts.Add(new UploadedPart(
                HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "",
                filename,
                section.ContentType ?? "text/plain", // RFC 7578 §4.4: the default for a part without Content-Type
                size,
                Convert.ToHexStringLower(sha256.GetHashAndReset())));
        }
        return new UploadReport(parts);
    }
}
