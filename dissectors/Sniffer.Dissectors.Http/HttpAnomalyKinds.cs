using Sniffer.Dissectors.Http.Parsing;

namespace Sniffer.Dissectors.Http;

/// <summary>The anomaly kinds the HTTP dissector emits (stable snake_case names, "http_" prefix).</summary>
public static class HttpAnomalyKinds
{
    /// <summary>Syntax RFC 9112 does not allow but peers accept (bare LF, obs-fold…); once per kind per flow.</summary>
    public const string LenientSyntax = "http_lenient_syntax";

    /// <summary>Both Content-Length and Transfer-Encoding: the classic request-smuggling ambiguity (RFC 9112 §6.3 item 3).</summary>
    public const string ContentLengthWithTransferEncoding = "http_content_length_with_transfer_encoding";

    /// <summary>Content-Length repeated with the same value ("5, 5"), which RFC 9110 §8.6 lets a recipient accept.</summary>
    public const string RepeatedContentLength = "http_repeated_content_length";

    public const string BodyGap = "http_body_gap";

    /// <summary>A decoded body larger than DissectorSettings.MaxBodyBytes: the rest is counted and hashed, not kept.</summary>
    public const string BodyOverCap = "http_body_over_cap";
    public const string Resynchronised = "http_resynchronised";
    public const string DecompressionBomb = "http_decompression_bomb";
    public const string ContentDecodingFailed = "http_content_decoding_failed";
    public const string UnsupportedContentEncoding = "http_unsupported_content_encoding";
    public const string ResponseWithoutRequest = "http_response_without_request";

    /// <summary>
    /// More requests awaited their responses than are held for one connection: the oldest are recorded without one,
    /// and the responses that answer them later are recorded on their own.
    /// </summary>
    public const string TooManyPendingRequests = "http_too_many_pending_requests";

    /// <summary>A message cut short by the end of its direction.</summary>
    public const string TruncatedMessage = "http_truncated_message";

    public const string InvalidRequestLine = "http_invalid_request_line";
    public const string InvalidStatusLine = "http_invalid_status_line";
    public const string InvalidVersion = "http_invalid_version";
    public const string InvalidHeaderLine = "http_invalid_header_line";
    public const string LineTooLong = "http_line_too_long";
    public const string HeadersTooLarge = "http_headers_too_large";
    public const string TooManyHeaders = "http_too_many_headers";
    public const string InvalidContentLength = "http_invalid_content_length";
    public const string ConflictingContentLengths = "http_conflicting_content_lengths";
    public const string UnsupportedTransferEncoding = "http_unsupported_transfer_encoding";

    /// <summary>"identity" among the transfer codings: a no-op in RFC 2616, unknown since RFC 7230 (Zeek's HTTP_chunked_multi).</summary>
    public const string IdentityTransferCoding = "http_identity_transfer_coding";
    public const string InvalidChunkSize = "http_invalid_chunk_size";
    public const string MissingChunkTerminator = "http_missing_chunk_terminator";

    public static string For(HttpViolation violation) => violation switch
    {
        HttpViolation.InvalidRequestLine => InvalidRequestLine,
        HttpViolation.InvalidStatusLine => InvalidStatusLine,
        HttpViolation.InvalidVersion => InvalidVersion,
        HttpViolation.InvalidHeaderLine => InvalidHeaderLine,
        HttpViolation.LineTooLong => LineTooLong,
        HttpViolation.HeadersTooLarge => HeadersTooLarge,
        HttpViolation.TooManyHeaders => TooManyHeaders,
        HttpViolation.InvalidContentLength => InvalidContentLength,
        HttpViolation.ConflictingContentLengths => ConflictingContentLengths,
        HttpViolation.UnsupportedTransferEncoding => UnsupportedTransferEncoding,
        HttpViolation.InvalidChunkSize => InvalidChunkSize,
        HttpViolation.MissingChunkTerminator => MissingChunkTerminator,
        _ => throw new ArgumentOutOfRangeException(nameof(violation), violation, null),
    };
}
