namespace Sniffer.Dissectors.Http.Parsing;

/// <summary>
/// Every reason the HTTP dissector gives up on a direction of a flow. One closed list, like Kestrel's
/// <c>RequestRejectionReason</c>: reports and tests match on these, and each maps to one anomaly kind.
/// </summary>
public enum HttpViolation
{
    InvalidRequestLine,
    InvalidStatusLine,
    InvalidVersion,
    InvalidHeaderLine,
    LineTooLong,
    HeadersTooLarge,
    TooManyHeaders,
    InvalidContentLength,
    ConflictingContentLengths,
    UnsupportedTransferEncoding,
    InvalidChunkSize,
    MissingChunkTerminator,
}

/// <summary>Thrown by the parsers only; the dissector catches it, records an anomaly and reports a violation.</summary>
public sealed class HttpViolationException : Exception
{
    public HttpViolationException(HttpViolation violation, string detail)
        : base($"{violation}: {detail}")
    {
        Violation = violation;
        Detail = detail;
    }

    public HttpViolation Violation { get; }

    /// <summary>Already escaped with SafeText: safe to print.</summary>
    public string Detail { get; }
}
