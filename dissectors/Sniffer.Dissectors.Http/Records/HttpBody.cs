using System.Security.Cryptography;

namespace Sniffer.Dissectors.Http.Records;

/// <summary>How the length of a message body was determined (RFC 9112 §6.3).</summary>
public enum HttpBodyFraming
{
    ContentLength,
    Chunked,

    /// <summary>A response with neither Content-Length nor chunked coding: its body ends when the server closes.</summary>
    UntilClose,
}

/// <summary>
/// A message body after transfer decoding (chunks removed) and content decoding (gzip, deflate, br).
/// The length and hash always describe the whole decoded entity; <see cref="Content"/> keeps at most
/// <c>DissectorSettings.MaxBodyBytes</c> of it.
/// </summary>
public sealed class HttpBody
{
    public required HttpBodyFraming Framing { get; init; }

    /// <summary>Bytes of the body on the wire, chunk framing included.</summary>
    public long WireLength { get; init; }

    /// <summary>Bytes after transfer decoding, still content-coded (what a cache would store for a 304 comparison).</summary>
    public long EncodedLength { get; init; }

    /// <summary>Content codings in the order they were applied (Content-Encoding, RFC 9110 §8.4).</summary>
    public IReadOnlyList<string> ContentEncodings { get; init; } = [];

    /// <summary>Bytes after content decoding (equal to <see cref="EncodedLength"/> without a coding).</summary>
    public long DecodedLength { get; init; }

    /// <summary>Lower-case hex SHA-256 of all decoded bytes, including those past the storage cap.</summary>
    /// <remarks>
    /// A body kept whole is hashed from <see cref="Content"/> the first time anyone asks (the store's writer thread,
    /// a report), not on the packet path: hashing runs at about 1.3 GB/s and would cost more than the rest of the
    /// dissection together, for a value a run that stores nothing never reads. A body larger than the cap was
    /// hashed as it streamed, since its bytes past the cap are gone; its dissector sets the value.
    /// </remarks>
    public string Sha256
    {
        // Two threads may both compute it; they compute the same string, so the race is harmless.
        get => _sha256 ??= Convert.ToHexStringLower(SHA256.HashData(Content));
        init => _sha256 = value;
    }

    /// <summary>The hash of a body that outgrew the cap, computed as it streamed; null for a body kept whole.</summary>
    internal string? StreamedSha256
    {
        init => _sha256 = value;
    }

    private string? _sha256;

    /// <summary>The first decoded bytes, up to the storage cap.</summary>
    public byte[] Content { get; init; } = [];

    /// <summary>True when <see cref="Content"/> holds fewer bytes than <see cref="DecodedLength"/>.</summary>
    public bool ContentTruncated { get; init; }

    /// <summary>True when bytes of the body were lost (gap) or the flow ended before its end.</summary>
    public bool Incomplete { get; init; }

    /// <summary>Body bytes known to be missing (gaps, or the rest of a Content-Length at the end of the flow).</summary>
    public long MissingBytes { get; init; }

    /// <summary>Why content decoding stopped early, if it did (corrupt data, bomb guard, unsupported coding).</summary>
    public string? DecodeError { get; init; }

    /// <summary>True when the decompression-bomb guard stopped decoding.</summary>
    public bool DecompressionBomb { get; init; }

    /// <summary>Media type from Content-Type, lower case, without parameters.</summary>
    public string? MediaType { get; init; }

    public int ChunkCount { get; init; }

    /// <summary>Raw chunk extensions (RFC 9112 §7.1.1) in the order seen, without the leading ';'.</summary>
    public IReadOnlyList<string> ChunkExtensions { get; init; } = [];

    /// <summary>Trailer fields after the last chunk (RFC 9112 §7.1.2).</summary>
    public IReadOnlyList<HttpHeader> Trailers { get; init; } = [];

    /// <summary>The parts of a multipart body (RFC 7578 for form-data), when it was kept whole.</summary>
    public IReadOnlyList<HttpMultipartPart> Parts { get; init; } = [];
}

/// <summary>One part of a multipart body: a form field or an uploaded file.</summary>
public sealed record HttpMultipartPart(string? Name, string? FileName, string? ContentType, long Size);
