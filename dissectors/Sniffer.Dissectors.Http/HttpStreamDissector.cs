using System.Buffers;
using System.Globalization;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Core.Records;
using Sniffer.Core.Text;
using Sniffer.Dissectors.Http.Bodies;
using Sniffer.Dissectors.Http.Parsing;
using Sniffer.Dissectors.Http.Records;
using Sniffer.Dissectors.Http.Semantics;

namespace Sniffer.Dissectors.Http;

/// <summary>
/// The HTTP/1.x state machine of one connection. Each direction walks start line → headers → body
/// (Content-Length, chunked, or until close) and back; requests wait in a FIFO for their responses, so
/// pipelined requests pair in order (Zeek's unanswered_requests). Gaps inside a body of known length are
/// skipped; anywhere else the direction scans for the next start line.
/// </summary>
public sealed class HttpStreamDissector : IStreamDissector, IDisposable
{
    private const string Source = "http";

    // How much of a candidate start line the resynchronising scan looks at before trusting the parser.
    private const int ResyncWindowBytes = 512;

    private readonly FlowContext _flow;
    private readonly IRecordSink _sink;
    private readonly DissectorSettings _settings;
    private readonly HttpParserLimits _limits;
    private readonly HalfStream _client = new(Direction.ClientToServer);
    private readonly HalfStream _server = new(Direction.ServerToClient);
    private readonly Queue<HttpExchange> _awaitingResponse = new();
    private readonly Queue<HttpExchange> _unsettled = new();
    private HttpExchange? _requestInProgress;
    private HttpExchange? _responseInProgress;
    private HttpLeniency _reportedLeniencies;
    private int _exchangeCount;
    private long _nowNs;

    // Far beyond what a client pipelines; a capture that lost or never saw the server's side reaches it, as Zeek's
    // pending-request state once grew without bound on such a trace.
    private const int MaxAwaitingResponses = 1000;

    // Requests recorded early without their response, whose responses (in request order, RFC 9112 §9.3.2) are still to
    // come; and the one of those responses in progress.
    private long _responsesOwedToEarlierRecords;
    private HttpExchange? _owedResponse;

    public HttpStreamDissector(FlowContext flow, IRecordSink sink, DissectorSettings settings)
    {
        _flow = flow;
        _sink = sink;
        _settings = settings;
        _limits = new HttpParserLimits(settings.MaxLineBytes, settings.MaxHeaderBytes, settings.MaxHeaderCount);
        if (flow.PickedUpMidStream)
        {
            // Without the SYN the first bytes may be the middle of a message: find a start line first.
            foreach (HalfStream half in (ReadOnlySpan<HalfStream>)[_client, _server]) StartResync(half);
        }
    }

    private enum HalfState
    {
        StartLine,
        Headers,
        FixedBody,
        ChunkHeader,
        ChunkData,
        ChunkDataEnd,
        Trailers,
        BodyUntilClose,

        /// <summary>Client side after CONNECT or an Upgrade request: what follows depends on the response.</summary>
        AwaitingResponse,

        /// <summary>After a gap that lost a message boundary: scanning for the next start line.</summary>
        Resync,

        /// <summary>After CONNECT 2xx or 101: the rest is another protocol.</summary>
        Tunnel,

        Violated,
    }

    public DissectStatus OnData(Direction direction, ref SequenceReader<byte> reader, IStreamClock clock)
    {
        HalfStream half = HalfOf(direction);
        long startConsumed = reader.Consumed;
        if (!reader.End) _nowNs = clock.TimeAt(reader.Consumed);
        try
        {
            DissectStatus status;
            while (true)
            {
                try
                {
                    status = Run(half, ref reader, clock);
                    break;
                }
                catch (HttpViolationException violation) when (half.State is HalfState.ChunkHeader or HalfState.ChunkDataEnd)
                {
                    // Bad chunk framing loses where this body ends, as a gap would, but the head was understood: keep the
                    // message as incomplete and look for the next start line, so what a lenient peer reads next (a
                    // smuggled request after a chunk size overflowing 64 bits, say) is still dissected, as Zeek does.
                    Report(HttpAnomalyKinds.For(violation.Violation), $"{direction.Label()} {violation.Detail}");
                    FinishMessage(half, half.LastByteNs ?? _nowNs, complete: false);
                    StartResync(half);
                }
            }
            if (status == DissectStatus.NeedMoreData && reader.Consumed > startConsumed) status = DissectStatus.Progress;
            return status;
        }
        catch (HttpViolationException violation)
        {
            Report(HttpAnomalyKinds.For(violation.Violation), $"{direction.Label()} {violation.Detail}");
            // Keep what was received of a body the violation interrupted (a bad chunk size, say).
            if (half.Body is not null) FinishMessage(half, half.LastByteNs ?? _nowNs, complete: false);
            half.State = HalfState.Violated;
            return DissectStatus.Violation;
        }
        finally
        {
            ReportLeniencies(half);
        }
    }

    public DissectStatus OnGap(Direction direction, long streamOffset, long length, long timeNs)
    {
        HalfStream half = HalfOf(direction);
        _nowNs = timeNs;
        switch (half.State)
        {
            case HalfState.Tunnel:
                return DissectStatus.HandOff;
            case HalfState.Violated:
                return DissectStatus.Violation;
            case HalfState.FixedBody or HalfState.ChunkData when length <= half.Remaining:
                // The hole is inside a body of known length: count it and carry on at the same framing.
                Report(HttpAnomalyKinds.BodyGap, $"{direction.Label()} {length} body bytes missing at stream offset {streamOffset}");
                half.Body!.AddGap(length);
                half.Remaining -= length;
                if (half.Remaining == 0)
                {
                    if (half.State == HalfState.FixedBody) FinishMessage(half, timeNs);
                    else half.State = HalfState.ChunkDataEnd;
                }
                return DissectStatus.Progress;
            case HalfState.BodyUntilClose:
                Report(HttpAnomalyKinds.BodyGap, $"{direction.Label()} {length} body bytes missing at stream offset {streamOffset}");
                half.Body!.AddGap(length);
                return DissectStatus.Progress;
        }

        // The gap swallowed a message boundary: close what was in progress and look for the next start line.
        if (half.Body is not null)
        {
            Report(HttpAnomalyKinds.BodyGap, $"{direction.Label()} body lost from stream offset {streamOffset} ({length} bytes missing)");
            long missing = half.State is HalfState.FixedBody or HalfState.ChunkData ? half.Remaining : 0;
            half.Body.AddGap(missing);
            FinishMessage(half, timeNs, complete: false);
        }
        else
        {
            half.Head = null;
        }
        StartResync(half);
        return DissectStatus.Progress;
    }

    private static void StartResync(HalfStream half)
    {
        half.State = HalfState.Resync;
        half.ResyncAtLineStart = true;
        half.ResyncSkipped = 0;
        half.Scan = default;
    }

    public void OnEnd(Direction direction, StreamEndReason reason, long timeNs)
    {
        HalfStream half = HalfOf(direction);
        _nowNs = timeNs;
        half.Ended = true;
        switch (half.State)
        {
            case HalfState.BodyUntilClose:
                // The close is this body's framing (RFC 9112 §6.3 item 8), unless the connection was reset.
                FinishMessage(half, half.LastByteNs ?? timeNs, complete: reason != StreamEndReason.Reset);
                break;
            case HalfState.FixedBody or HalfState.ChunkHeader or HalfState.ChunkData or HalfState.ChunkDataEnd or HalfState.Trailers:
                Report(HttpAnomalyKinds.TruncatedMessage, $"{direction.Label()} message body cut short by {reason}");
                long missing = half.State is HalfState.FixedBody ? half.Remaining : 0;
                half.Body!.AddGap(missing);
                FinishMessage(half, half.LastByteNs ?? timeNs, complete: false);
                break;
            case HalfState.Headers:
                Report(HttpAnomalyKinds.TruncatedMessage, $"{direction.Label()} header section cut short by {reason}");
                half.Head = null;
                break;
        }
        EmitSettled();
    }

    private DissectStatus Run(HalfStream half, ref SequenceReader<byte> reader, IStreamClock clock)
    {
        bool isRequest = half.Direction == Direction.ClientToServer;
        while (true)
        {
            switch (half.State)
            {
                case HalfState.StartLine:
                {
                    if (reader.End) return DissectStatus.NeedMoreData;
                    if (!isRequest && _awaitingResponse.TryPeek(out HttpExchange? simple) && simple.RequestHead?.Version == HttpProtocolVersion.Http09)
                    {
                        // An HTTP/0.9 response has no status line nor headers: it is all body, until close (RFC 1945 §4.1).
                        half.Head = MessageHead.Http09Response();
                        half.Head.StartNs = clock.TimeAt(reader.Consumed);
                        OnResponseHead(half, clock, ref reader);
                        continue;
                    }

                    var head = new MessageHead();
                    var handler = new HeadHandler(head, half.Leniencies);
                    if (!HttpMessageParser.TrySkipEmptyLines(ref reader, ref handler) || reader.End) return DissectStatus.NeedMoreData;
                    long lineStart = reader.Consumed;
                    bool parsed = isRequest
                        ? HttpMessageParser.TryParseRequestLine(ref reader, ref handler, _limits, ref half.Scan)
                        : HttpMessageParser.TryParseStatusLine(ref reader, ref handler, _limits, ref half.Scan);
                    if (!parsed) return DissectStatus.NeedMoreData;
                    half.Head = head;

                    head.StartNs = clock.TimeAt(lineStart);
                    head.HeaderBytes = reader.Consumed - lineStart;
                    if (isRequest && head.Version == HttpProtocolVersion.Http09)
                    {
                        OnRequestHead(half, clock, ref reader);
                        continue;
                    }
                    half.State = HalfState.Headers;
                    continue;
                }

                case HalfState.Headers:
                {
                    MessageHead head = half.Head!;
                    var handler = new HeadHandler(head, half.Leniencies);
                    long before = reader.Consumed;
                    if (!HttpMessageParser.TryParseHeaders(ref reader, ref handler, _limits, ref half.Scan)) return DissectStatus.NeedMoreData;
                    head.HeaderBytes += reader.Consumed - before;
                    if (isRequest) OnRequestHead(half, clock, ref reader);
                    else OnResponseHead(half, clock, ref reader);
                    continue;
                }

                case HalfState.FixedBody or HalfState.ChunkData:
                {
                    long take = Math.Min(half.Remaining, reader.Remaining);
                    if (take == 0) return DissectStatus.NeedMoreData;
                    TakeBody(half, ref reader, clock, take);
                    half.Remaining -= take;
                    if (half.Remaining > 0) return DissectStatus.NeedMoreData;
                    if (half.State == HalfState.FixedBody) FinishMessage(half, half.LastByteNs!.Value);
                    else half.State = HalfState.ChunkDataEnd;
                    continue;
                }

                case HalfState.ChunkHeader:
                {
                    var handler = new HeadHandler(half.Head!, half.Leniencies);
                    long before = reader.Consumed;
                    if (!HttpMessageParser.TryParseChunkHeader(ref reader, ref handler, _limits, ref half.Scan, out long chunkSize, out ReadOnlySpan<byte> extensions))
                    {
                        return DissectStatus.NeedMoreData;
                    }
                    half.Body!.AddFramingBytes(reader.Consumed - before);
                    half.Body.AddChunk(extensions);
                    half.LastByteNs = clock.TimeAt(reader.Consumed - 1);
                    half.Remaining = chunkSize;
                    half.State = chunkSize == 0 ? HalfState.Trailers : HalfState.ChunkData;
                    continue;
                }

                case HalfState.ChunkDataEnd:
                {
                    var handler = new HeadHandler(half.Head!, half.Leniencies);
                    long before = reader.Consumed;
                    if (!HttpMessageParser.TryParseChunkDataEnd(ref reader, ref handler)) return DissectStatus.NeedMoreData;
                    half.Body!.AddFramingBytes(reader.Consumed - before);
                    half.State = HalfState.ChunkHeader;
                    continue;
                }

                case HalfState.Trailers:
                {
                    var handler = new HeadHandler(half.Head!, half.Leniencies, trailers: true);
                    long before = reader.Consumed;
                    if (!HttpMessageParser.TryParseHeaders(ref reader, ref handler, _limits, ref half.Scan)) return DissectStatus.NeedMoreData;
                    half.Body!.AddFramingBytes(reader.Consumed - before);
                    half.Body.SetTrailers(half.Head!.Trailers);
                    FinishMessage(half, clock.TimeAt(reader.Consumed - 1));
                    continue;
                }

                case HalfState.BodyUntilClose:
                    if (reader.End) return DissectStatus.NeedMoreData;
                    TakeBody(half, ref reader, clock, reader.Remaining);
                    return DissectStatus.Progress;

                case HalfState.AwaitingResponse:
                    return DissectStatus.NeedMoreData;

                case HalfState.Resync:
                    if (!TryResynchronise(half, ref reader)) return DissectStatus.NeedMoreData;
                    continue;

                case HalfState.Tunnel:
                    return DissectStatus.HandOff;

                case HalfState.Violated:
                    return DissectStatus.Violation;

                default:
                    throw new InvalidOperationException($"Unhandled state {half.State}");
            }
        }
    }

    private void TakeBody(HalfStream half, ref SequenceReader<byte> reader, IStreamClock clock, long count)
    {
        // Usually the bytes are in one segment: hand them over without slicing the sequence.
        ReadOnlySpan<byte> unread = reader.UnreadSpan;
        if (unread.Length >= count) half.Body!.Write(unread[..(int)count]);
        else half.Body!.Write(reader.UnreadSequence.Slice(0, count));
        reader.Advance(count);
        half.LastByteNs = clock.TimeAt(reader.Consumed - 1);
    }

    private void OnRequestHead(HalfStream half, IStreamClock clock, ref SequenceReader<byte> reader)
    {
        MessageHead head = half.Head!;
        // Framing first: a request whose length is unknowable is a violation and never becomes an exchange.
        long? contentLength = ContentLength(head);
        IReadOnlyList<string> transferCodings = TransferCodings(half);
        if (transferCodings.Count > 0)
        {
            ReportSmugglingAmbiguity(half, contentLength);
            // RFC 9112 §6.3 item 4: a request whose final transfer coding is not chunked has no knowable length.
            if (transferCodings[^1] != "chunked")
            {
                throw new HttpViolationException(HttpViolation.UnsupportedTransferEncoding,
                    SafeText.Escape(string.Join(", ", transferCodings)));
            }
        }

        bool upgrade = HeaderValues.Has(head.Headers, "Upgrade")
            && HeaderValues.ListTokens(head.Headers, "Connection").Contains("upgrade");
        var exchange = new HttpExchange(++_exchangeCount, head) { MayChangeProtocol = head.Method == "CONNECT" || upgrade };
        if (_awaitingResponse.Count == MaxAwaitingResponses) RecordOldestWithoutResponse();
        _awaitingResponse.Enqueue(exchange);
        _unsettled.Enqueue(exchange);
        _requestInProgress = exchange;

        if (transferCodings.Count > 0)
        {
            StartBody(half, HttpBodyFraming.Chunked, HalfState.ChunkHeader, 0);
        }
        else if (contentLength > 0)
        {
            StartBody(half, HttpBodyFraming.ContentLength, HalfState.FixedBody, contentLength.Value);
        }
        else
        {
            // No Content-Length nor Transfer-Encoding: a request has no body (RFC 9112 §6.3 item 6).
            FinishMessage(half, clock.TimeAt(reader.Consumed - 1));
        }
    }

    private void OnResponseHead(HalfStream half, IStreamClock clock, ref SequenceReader<byte> reader)
    {
        MessageHead head = half.Head!;
        int status = head.StatusCode;
        HttpExchange? exchange;
        if (_responsesOwedToEarlierRecords > 0)
        {
            exchange = _owedResponse ??= new HttpExchange(++_exchangeCount, requestHead: null) { RequestSettled = true, AnswersEarlierRecord = true };
        }
        else if (!_awaitingResponse.TryPeek(out exchange))
        {
            Report(HttpAnomalyKinds.ResponseWithoutRequest, $"{status} {head.ReasonPhrase}");
            exchange = new HttpExchange(++_exchangeCount, requestHead: null) { RequestSettled = true };
            _unsettled.Enqueue(exchange);
            _awaitingResponse.Enqueue(exchange);
        }
        exchange.ResponseStartNs ??= head.StartNs;

        // 1xx other than 101 are interim: the final response is still to come (RFC 9110 §15.2).
        if (status is >= 100 and < 200 && status != 101)
        {
            exchange.InterimResponses.Add(new HttpInterimResponse
            {
                StatusCode = status,
                ReasonPhrase = head.ReasonPhrase,
                Headers = head.Headers,
                TimeNs = head.StartNs ?? _nowNs,
            });
            half.Head = null;
            half.State = HalfState.StartLine;
            return;
        }

        if (exchange.AnswersEarlierRecord)
        {
            _owedResponse = null;
            _responsesOwedToEarlierRecords--;
        }
        else
        {
            _awaitingResponse.Dequeue();
        }
        _responseInProgress = exchange;
        long endOfHeadNs = head.Version == HttpProtocolVersion.Http09 ? _nowNs : clock.TimeAt(reader.Consumed - 1);

        if (status == 101 || (exchange.Method == "CONNECT" && status is >= 200 and < 300))
        {
            exchange.HandOff = status == 101 ? UpgradeKind(head) : HttpHandOff.ConnectTunnel;
            exchange.HandOffTarget = status == 101 ? HeaderValues.First(head.Headers, "Upgrade") : exchange.RequestHead!.Target;
            FinishMessage(half, endOfHeadNs);
            _client.State = HalfState.Tunnel;
            _server.State = HalfState.Tunnel;
            return;
        }
        if (_client.State == HalfState.AwaitingResponse && exchange.MayChangeProtocol)
        {
            // The server declined the upgrade or the tunnel: the client goes on speaking HTTP.
            _client.State = HalfState.StartLine;
        }

        // RFC 9112 §6.3 items 1-8, in order (1xx were handled above).
        if (exchange.Method == "HEAD" || status is 204 or 304)
        {
            FinishMessage(half, endOfHeadNs);
            return;
        }
        if (head.Version == HttpProtocolVersion.Http09)
        {
            StartBody(half, HttpBodyFraming.UntilClose, HalfState.BodyUntilClose, 0);
            return;
        }
        long? contentLength = ContentLength(head);
        IReadOnlyList<string> transferCodings = TransferCodings(half);
        if (transferCodings.Count > 0)
        {
            ReportSmugglingAmbiguity(half, contentLength);
            if (transferCodings[^1] == "chunked") StartBody(half, HttpBodyFraming.Chunked, HalfState.ChunkHeader, 0);
            else StartBody(half, HttpBodyFraming.UntilClose, HalfState.BodyUntilClose, 0);
        }
        else if (contentLength is { } length)
        {
            if (length == 0) FinishMessage(half, endOfHeadNs);
            else StartBody(half, HttpBodyFraming.ContentLength, HalfState.FixedBody, length);
        }
        else
        {
            StartBody(half, HttpBodyFraming.UntilClose, HalfState.BodyUntilClose, 0);
        }
    }

    private void StartBody(HalfStream half, HttpBodyFraming framing, HalfState state, long length)
    {
        half.Body = new HttpBodyCollector(framing, half.Head!.Headers, framing == HttpBodyFraming.ContentLength ? length : null, _settings,
            _flow.KeptBytesBudget, half.ReportBodyAnomaly ??= (kind, detail) => Report(kind, $"{half.Direction.Label()} {detail}"));
        half.Remaining = length;
        half.LastByteNs = null;
        half.State = state;
    }

    /// <summary>The flow table dropped this dissector (handed off, disabled, or the flow is gone): bodies in progress give their bytes back.</summary>
    public void Dispose()
    {
        foreach (HalfStream half in (ReadOnlySpan<HalfStream>)[_client, _server])
        {
            half.Body?.Dispose();
            half.Body = null;
        }
    }

    /// <summary>Ends the message in progress in <paramref name="half"/>, hands it to its exchange and emits what is settled.</summary>
    private void FinishMessage(HalfStream half, long lastByteNs, bool complete = true)
    {
        MessageHead head = half.Head!;
        HttpBody? body = half.Body?.Complete(!complete);
        half.Body?.Dispose();
        half.Body = null;
        half.Head = null;
        if (half.State != HalfState.Tunnel) half.State = HalfState.StartLine;

        if (half.Direction == Direction.ClientToServer)
        {
            HttpExchange exchange = _requestInProgress!;
            exchange.Request = new HttpRequest
            {
                Method = head.Method,
                Target = head.Target,
                TargetForm = TargetFormOf(head),
                Version = head.Version.ToString(),
                Headers = head.Headers,
                HeaderBytes = head.HeaderBytes,
                Body = body,
                Complete = complete,
            };
            exchange.RequestEndNs = lastByteNs;
            exchange.RequestSettled = true;
            _requestInProgress = null;
            if (complete && exchange.MayChangeProtocol && !exchange.ResponseSettled) half.State = HalfState.AwaitingResponse;
        }
        else
        {
            HttpExchange exchange = _responseInProgress!;
            exchange.Response = new HttpResponse
            {
                Version = head.Version.ToString(),
                StatusCode = head.StatusCode,
                ReasonPhrase = head.ReasonPhrase,
                Headers = head.Headers,
                HeaderBytes = head.HeaderBytes,
                Body = body,
                Complete = complete,
            };
            exchange.ResponseEndNs = lastByteNs;
            exchange.ResponseSettled = true;
            _responseInProgress = null;
            if (exchange.AnswersEarlierRecord) _sink.Emit(ToTransaction(exchange));
        }
        EmitSettled();
    }

    /// <summary>
    /// Too many requests await a response: the oldest is recorded without one, so what the connection holds stays
    /// bounded however long the server stays silent (or the capture misses its side).
    /// </summary>
    private void RecordOldestWithoutResponse()
    {
        if (_responsesOwedToEarlierRecords == 0)
        {
            Report(HttpAnomalyKinds.TooManyPendingRequests,
                $"more than {MaxAwaitingResponses} requests awaiting a response: the oldest are recorded without one, the responses that answer them later on their own");
        }
        HttpExchange oldest = _awaitingResponse.Dequeue();
        oldest.ResponseSettled = true;
        _responsesOwedToEarlierRecords++;
        EmitSettled();
    }

    /// <summary>Emits exchanges in request order once both sides are done (or can no longer be).</summary>
    private void EmitSettled()
    {
        bool tunnel = _server.State == HalfState.Tunnel;
        while (_unsettled.TryPeek(out HttpExchange? exchange))
        {
            bool requestDone = exchange.RequestSettled || _client.Ended;
            bool responseDone = exchange.ResponseSettled || _server.Ended || tunnel;
            if (!requestDone || !responseDone) return;
            _unsettled.Dequeue();
            _sink.Emit(ToTransaction(exchange));
        }
    }

    private HttpTransaction ToTransaction(HttpExchange exchange)
    {
        HttpRequest? request = exchange.Request;
        HttpResponse? response = exchange.Response;
        IReadOnlyList<HttpHeader> requestHeaders = request?.Headers ?? [];
        IReadOnlyList<HttpHeader> responseHeaders = response?.Headers ?? [];
        long? requestStartNs = exchange.RequestHead?.StartNs;
        return new HttpTransaction
        {
            FlowId = _flow.FlowId,
            TimeNs = requestStartNs ?? exchange.ResponseStartNs ?? _nowNs,
            Index = exchange.Index,
            Request = request,
            Response = response,
            InterimResponses = exchange.InterimResponses,
            Timings = new HttpTimings
            {
                RequestStartNs = requestStartNs,
                RequestEndNs = exchange.RequestEndNs,
                ResponseStartNs = exchange.ResponseStartNs,
                ResponseEndNs = exchange.ResponseEndNs,
            },
            Host = HeaderValues.First(requestHeaders, "Host") ?? AuthorityOf(request),
            Referer = HeaderValues.First(requestHeaders, "Referer"),
            Origin = HeaderValues.First(requestHeaders, "Origin"),
            Cookies = CookieParser.ParseCookieHeaders(HeaderValues.All(requestHeaders, "Cookie")),
            SetCookies = HeaderValues.All(responseHeaders, "Set-Cookie").Select(CookieParser.ParseSetCookie).OfType<HttpSetCookie>().ToList(),
            Credentials = CredentialParser.Parse(requestHeaders, _settings.ShowSecrets),
            Caching = CachingClassifier.Classify(request, response),
            HandOff = exchange.HandOff,
            HandOffTarget = exchange.HandOffTarget,
        };
    }

    /// <summary>
    /// Scans for the next line that starts like a message of this direction. Candidates are the byte right
    /// after the gap and every byte after a line feed. Returns true once positioned on one.
    /// </summary>
    private bool TryResynchronise(HalfStream half, ref SequenceReader<byte> reader)
    {
        Span<byte> window = stackalloc byte[ResyncWindowBytes];
        while (!reader.End)
        {
            if (half.ResyncAtLineStart)
            {
                ReadOnlySequence<byte> candidate = reader.UnreadSequence;
                int length = (int)Math.Min(candidate.Length, ResyncWindowBytes);
                candidate.Slice(0, length).CopyTo(window);
                ProbeResult result = half.Direction == Direction.ClientToServer
                    ? HttpStartLineSniffer.RequestLine(window[..length])
                    : HttpStartLineSniffer.StatusLine(window[..length]);
                // A window full of a plausible line (a long target) is left to the real parser to judge.
                if (result == ProbeResult.Match || (result == ProbeResult.NeedMoreData && length == ResyncWindowBytes))
                {
                    Report(HttpAnomalyKinds.Resynchronised, $"{half.Direction.Label()} skipped {half.ResyncSkipped} bytes to the next start line");
                    half.State = HalfState.StartLine;
                    return true;
                }
                if (result == ProbeResult.NeedMoreData) return false;
            }

            long before = reader.Consumed;
            half.ResyncAtLineStart = reader.TryAdvanceTo((byte)'\n');
            if (!half.ResyncAtLineStart) reader.AdvanceToEnd();
            half.ResyncSkipped += reader.Consumed - before;
        }
        return false;
    }

    /// <summary>
    /// Content-Length (RFC 9110 §8.6): null when absent. A list of identical values is accepted as one (with an
    /// anomaly); differing or non-numeric values make the framing unknowable (RFC 9112 §6.3 item 5).
    /// </summary>
    private long? ContentLength(MessageHead head)
    {
        long? length = null;
        int members = 0;
        foreach (string value in HeaderValues.All(head.Headers, "Content-Length"))
        {
            foreach (string member in value.Split(',', StringSplitOptions.TrimEntries))
            {
                members++;
                if (member.Length is 0 or > 18 || !long.TryParse(member, NumberStyles.None, CultureInfo.InvariantCulture, out long parsed))
                {
                    throw new HttpViolationException(HttpViolation.InvalidContentLength, SafeText.Escape(value));
                }
                if (length is not null && length != parsed)
                {
                    throw new HttpViolationException(HttpViolation.ConflictingContentLengths, $"{length} and {parsed}");
                }
                length = parsed;
            }
        }
        if (members > 1) Report(HttpAnomalyKinds.RepeatedContentLength, $"Content-Length {length} given {members} times");
        return length;
    }

    /// <summary>
    /// The Transfer-Encoding codings that change the bytes. "identity" was a no-op coding (RFC 2616 §3.6) that RFC 7230
    /// dropped, so "chunked, identity" is framed as chunked, as an RFC 2616 peer would; a current server rejects it
    /// (RFC 9112 §6.3 item 4), and peers disagreeing on framing is how requests get smuggled, so it is reported.
    /// </summary>
    private IReadOnlyList<string> TransferCodings(HalfStream half)
    {
        IReadOnlyList<string> codings = HeaderValues.ListTokens(half.Head!.Headers, "Transfer-Encoding");
        if (!codings.Contains("identity")) return codings;
        Report(HttpAnomalyKinds.IdentityTransferCoding,
            $"{half.Direction.Label()} Transfer-Encoding {SafeText.Escape(string.Join(", ", codings))} read without identity");
        return codings.Where(coding => coding != "identity").ToList();
    }

    /// <summary>Transfer-Encoding overrides Content-Length (RFC 9112 §6.3 item 3), but peers that disagree on it get smuggled requests.</summary>
    private void ReportSmugglingAmbiguity(HalfStream half, long? contentLength)
    {
        if (contentLength is null) return;
        Report(HttpAnomalyKinds.ContentLengthWithTransferEncoding,
            $"{half.Direction.Label()} Content-Length {contentLength} ignored for Transfer-Encoding {SafeText.Escape(HeaderValues.First(half.Head!.Headers, "Transfer-Encoding") ?? "")}");
    }

    /// <summary>One anomaly per kind of leniency per flow: enough to flag a peer's habits without flooding.</summary>
    private void ReportLeniencies(HalfStream half)
    {
        HttpLeniency fresh = half.Leniencies.Unreported & ~_reportedLeniencies;
        half.Leniencies.Unreported = HttpLeniency.None;
        if (fresh == HttpLeniency.None) return;
        _reportedLeniencies |= fresh;
        for (var remaining = (int)fresh; remaining != 0; remaining &= remaining - 1)
        {
            var leniency = (HttpLeniency)(remaining & -remaining);
            Report(HttpAnomalyKinds.LenientSyntax, $"{half.Direction.Label()} {leniency}");
        }
    }

    private void Report(string kind, string detail) =>
        _sink.Emit(new Anomaly { FlowId = _flow.FlowId, TimeNs = _nowNs, Kind = kind, Source = Source, Detail = SafeText.Escape(detail) });

    private HalfStream HalfOf(Direction direction) => direction == Direction.ClientToServer ? _client : _server;

    private static HttpHandOff UpgradeKind(MessageHead head)
    {
        string? protocol = HeaderValues.First(head.Headers, "Upgrade")?.Trim();
        if (protocol is null) return HttpHandOff.OtherUpgrade;
        if (protocol.StartsWith("websocket", StringComparison.OrdinalIgnoreCase)) return HttpHandOff.WebSocket;
        if (protocol.Equals("h2c", StringComparison.OrdinalIgnoreCase)) return HttpHandOff.H2c;
        return HttpHandOff.OtherUpgrade;
    }

    private static HttpTargetForm TargetFormOf(MessageHead head)
    {
        if (head.Method == "CONNECT") return HttpTargetForm.Authority;
        if (head.Target == "*") return HttpTargetForm.Asterisk;
        return head.Target.Contains("://", StringComparison.Ordinal) ? HttpTargetForm.Absolute : HttpTargetForm.Origin;
    }

    private static string? AuthorityOf(HttpRequest? request) => request?.TargetForm switch
    {
        HttpTargetForm.Authority => request.Target,
        HttpTargetForm.Absolute when Uri.TryCreate(request.Target, UriKind.Absolute, out Uri? uri) => uri.Authority,
        _ => null,
    };

    /// <summary>Parsing state of one direction.</summary>
    private sealed class HalfStream(Direction direction)
    {
        public Direction Direction { get; } = direction;

        public HalfState State { get; set; }

        public MessageHead? Head { get; set; }

        public HttpBodyCollector? Body { get; set; }

        /// <summary>Bytes left in a Content-Length body or in the current chunk.</summary>
        public long Remaining { get; set; }

        public long? LastByteNs { get; set; }

        public bool Ended { get; set; }

        public bool ResyncAtLineStart { get; set; }

        public LeniencyLog Leniencies { get; } = new();

        /// <summary>Where the line parsers stopped looking in the bytes still unconsumed; passed by reference, so a field.</summary>
        public HttpScanProgress Scan;

        public long ResyncSkipped { get; set; }

        /// <summary>Made once per direction rather than per body.</summary>
        public Action<string, string>? ReportBodyAnomaly { get; set; }
    }
}
