using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sniffer.Generator;

/// <summary>
/// What the generator put on the wire, as the ground truth tests compare an analysis with: every HTTP request with
/// its connection and outcome, every mail with the MD5 of the exact bytes sent in DATA, every IMAP fetch with the
/// MD5 of the bytes fetched. Written as indented JSON with snake_case names.
/// </summary>
public sealed record GeneratorLog
{
    public required int Seed { get; init; }
    public required IReadOnlyList<string> Scenarios { get; init; }
    /// <summary>How many times the scenario list ran to its end.</summary>
    public required int Repetitions { get; init; }
    /// <summary>Why the run ended: <c>count</c>, <c>duration</c> or <c>cancelled</c>.</summary>
    public required string StoppedBy { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset EndedAt { get; init; }
    public required GeneratorServers Servers { get; init; }
    public required IReadOnlyList<HttpRequestEntry> HttpRequests { get; init; }
    public required IReadOnlyList<MailEntry> Mails { get; init; }
    public required IReadOnlyList<ImapFetchEntry> ImapFetches { get; init; }
    /// <summary>Sessions that failed as a whole (a server that did not answer, a login refused).</summary>
    public required IReadOnlyList<ScenarioError> Errors { get; init; }
    public required GeneratorTotals Totals { get; init; }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static GeneratorLog FromJson(string json) =>
        JsonSerializer.Deserialize<GeneratorLog>(json, JsonOptions) ?? throw new JsonException("the generator log is empty");

    public void Write(string path) => File.WriteAllText(path, ToJson() + "\n");

    public static GeneratorLog Read(string path) => FromJson(File.ReadAllText(path));
}

/// <summary>The servers the run talked to, as host:port (null when the run did not use one).</summary>
public sealed record GeneratorServers(string? Http, string? Smtp, string? Imap);

/// <summary>One HTTP request and its response, as they crossed the wire.</summary>
public sealed record HttpRequestEntry
{
    public required string Scenario { get; init; }
    /// <summary>Which pass over the scenario list (1-based).</summary>
    public required int Repetition { get; init; }
    /// <summary>The TCP connection it went on: 1 for the first connection in this log, 2 for the next one seen, and so on.</summary>
    public required int Connection { get; init; }
    /// <summary>The client's local port of that connection, to find the flow in a capture.</summary>
    public required int ClientPort { get; init; }
    public required string Method { get; init; }
    /// <summary>The Host header.</summary>
    public required string Host { get; init; }
    /// <summary>The request target (path and query).</summary>
    public required string Path { get; init; }
    /// <summary>Names of the cookies in the Cookie header, in header order.</summary>
    public required IReadOnlyList<string> RequestCookies { get; init; }
    public string? IfNoneMatch { get; init; }
    public string? IfModifiedSince { get; init; }
    public string? AcceptEncoding { get; init; }
    /// <summary>True when the request asked the server to close the connection after the response.</summary>
    public bool ConnectionClose { get; init; }
    public required int ExpectedStatus { get; init; }
    /// <summary>The status the server answered, or null when no response arrived (see <see cref="Error"/>).</summary>
    public int? Status { get; init; }
    /// <summary>Names of the cookies in the response's Set-Cookie headers, in header order.</summary>
    public IReadOnlyList<string> SetCookies { get; init; } = [];
    public string? ContentEncoding { get; init; }
    [JsonPropertyName("etag")]
    public string? ETag { get; init; }
    public string? LastModified { get; init; }
    /// <summary>Length of the body after removing the content coding.</summary>
    public long? BodyLength { get; init; }
    /// <summary>SHA-256 (lowercase hex) of the body after removing the content coding.</summary>
    public string? BodySha256 { get; init; }
    public string? Error { get; init; }
    /// <summary>True when the run was stopped (duration or Ctrl-C) while this request was in flight; not counted as an error.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Interrupted { get; init; }

    /// <summary>No response, or not the status expected; a request the stop interrupted is not a failure.</summary>
    [JsonIgnore]
    public bool Failed => !Interrupted && (Error is not null || Status != ExpectedStatus);
}

/// <summary>One mail submitted over SMTP.</summary>
public sealed record MailEntry
{
    public required string Scenario { get; init; }
    public required int Repetition { get; init; }
    /// <summary>Which SMTP connection of the run it went on (1-based, in log order).</summary>
    public required int Connection { get; init; }
    public required int ClientPort { get; init; }
    /// <summary>The SASL mechanism the session authenticated with (PLAIN or LOGIN).</summary>
    public required string Auth { get; init; }
    /// <summary>The envelope sender (MAIL FROM).</summary>
    public required string From { get; init; }
    /// <summary>RCPT TO addresses the server accepted.</summary>
    public required IReadOnlyList<string> RecipientsAccepted { get; init; }
    /// <summary>RCPT TO addresses the server refused, with its reply code.</summary>
    public required IReadOnlyList<RefusedRecipient> RecipientsRefused { get; init; }
    public required string Subject { get; init; }
    /// <summary>The Message-ID without angle brackets.</summary>
    public required string MessageId { get; init; }
    public required int Attachments { get; init; }
    /// <summary>Bytes of the message as transmitted in DATA, before dot-stuffing and without the final CRLF.CRLF.</summary>
    public required long Size { get; init; }
    /// <summary>MD5 (lowercase hex) of those bytes.</summary>
    public required string Md5 { get; init; }
    /// <summary>Null when the server accepted the message (250 after DATA).</summary>
    public string? Error { get; init; }
    /// <summary>
    /// True when the run was stopped (duration or Ctrl-C) during the submission: the message may be on the wire and
    /// even stored by the server, so it is logged, but not counted as accepted or as an error.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Interrupted { get; init; }

    /// <summary>Not accepted by the server; a submission the stop interrupted is not a failure.</summary>
    [JsonIgnore]
    public bool Failed => !Interrupted && Error is not null;
}

/// <summary>A recipient the server refused at RCPT TO.</summary>
public sealed record RefusedRecipient(string Address, int Status);

/// <summary>One message part fetched over IMAP.</summary>
public sealed record ImapFetchEntry
{
    public required string Scenario { get; init; }
    public required int Repetition { get; init; }
    public required int ClientPort { get; init; }
    /// <summary>The account logged in.</summary>
    public required string User { get; init; }
    public required string Folder { get; init; }
    public required uint Uid { get; init; }
    /// <summary>The FETCH section: <c>BODY[]</c> for the whole message, <c>BODY[HEADER]</c> for its header.</summary>
    public required string Section { get; init; }
    /// <summary>The Message-ID from the ENVELOPE, without angle brackets.</summary>
    public string? MessageId { get; init; }
    /// <summary>True for the mail that arrived while the client was in IDLE.</summary>
    public bool ArrivedDuringIdle { get; init; }
    public required long Size { get; init; }
    /// <summary>MD5 (lowercase hex) of the fetched bytes.</summary>
    public required string Md5 { get; init; }
}

/// <summary>A scenario step that failed as a whole, with what went wrong.</summary>
public sealed record ScenarioError(string Scenario, int Repetition, string Message);

/// <summary>Counts over the whole log.</summary>
public sealed record GeneratorTotals
{
    public required int HttpRequests { get; init; }
    /// <summary>Distinct TCP connections that carried HTTP requests.</summary>
    public required int HttpConnections { get; init; }
    /// <summary>Responses <c>304 Not Modified</c>.</summary>
    public required int NotModified { get; init; }
    /// <summary>Conditional requests answered <c>200</c>: the object had changed since the validators were taken.</summary>
    public required int ChangedAfterRevalidation { get; init; }
    public required int Mails { get; init; }
    public required int RecipientsAccepted { get; init; }
    public required int RecipientsRefused { get; init; }
    public required int ImapFetches { get; init; }
    /// <summary>Requests, mails and sessions that failed or whose status differed from the one expected (requests the stop interrupted aside).</summary>
    public required int Errors { get; init; }
}
