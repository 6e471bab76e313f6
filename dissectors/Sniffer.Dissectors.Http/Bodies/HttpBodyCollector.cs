using System.Buffers;
using System.Security.Cryptography;
using Sniffer.Core.Dissection;
using Sniffer.Core.IO;
using Sniffer.Core.Records;
using Sniffer.Dissectors.Http.Records;
using Sniffer.Dissectors.Http.Semantics;

namespace Sniffer.Dissectors.Http.Bodies;

/// <summary>
/// Takes a body as it streams in (after transfer decoding), undoes its content codings in bounded steps,
/// counts every decoded byte, keeps the first <see cref="DissectorSettings.MaxBodyBytes"/> and stops decoding
/// when the output looks like a decompression bomb. Only a body that outgrows the cap is hashed here (the bytes
/// past it are not kept); one kept whole is hashed from its content when the record is read (<see cref="HttpBody.Sha256"/>).
/// </summary>
internal sealed class HttpBodyCollector : IDisposable
{
    private const int DecodeStepBytes = 16 * 1024;

    // The ratio guard only applies past this much output, so a small, very repetitive body still decodes.
    private const long RatioGuardFloorBytes = 1024 * 1024;

    // Coded bytes the decoder leaves behind accumulate only after the coded stream has ended.
    private const long MaxUndecodedBytes = 64 * 1024;

    private const int MaxChunkExtensionsKept = 16;

    private const int MaxContentCodings = 5;

    private readonly HttpBodyFraming _framing;
    private readonly DissectorSettings _settings;
    private readonly Action<string, string> _reportAnomaly;
    private readonly IReadOnlyList<string> _contentEncodings;
    private readonly string? _mediaType;
    private readonly string? _boundary;
    private readonly List<ContentDecoder> _decoders = [];
    private readonly List<byte[]> _stepBuffers = [];
    private readonly KeptBytes _kept;
    private readonly KeptBytesBudget _keptBytesBudget;

    // What the decoders and their step buffers took of the budget: a flow with a coded body in progress holds them
    // whether or not the sender ever sends it.
    private long _decoderBytes;
    private readonly List<string> _chunkExtensions = [];

    private bool _decoding;
    private long _wireLength;
    private long _encodedLength;
    private long _decodedLength;
    private long _missingBytes;
    private string? _decodeError;
    private bool _bomb;
    private int _chunkCount;
    private IReadOnlyList<HttpHeader> _trailers = [];

    // Created when the first byte past the cap arrives; null while the body fits in what is kept.
    private IncrementalHash? _overflowHash;

    /// <param name="contentLength">The Content-Length of a body framed by it, so a body kept whole needs no resizing.</param>
    /// <param name="keptBytesBudget">What all flows' unfinished entities may keep together.</param>
    public HttpBodyCollector(HttpBodyFraming framing, IReadOnlyList<HttpHeader> headers, long? contentLength, DissectorSettings settings,
        KeptBytesBudget keptBytesBudget, Action<string, string> reportAnomaly)
    {
        _framing = framing;
        _settings = settings;
        _reportAnomaly = reportAnomaly;
        _keptBytesBudget = keptBytesBudget;
        _contentEncodings = HeaderValues.ListTokens(headers, "Content-Encoding");
        (_mediaType, _boundary) = HeaderValues.MediaType(headers);

        if (_contentEncodings.Count(coding => coding != "identity") > MaxContentCodings)
        {
            // Each coding layer costs a decoder with its own buffer and inflater state, and one stacked gzip layer costs
            // the sender some 20 bytes: uncapped, a 60 KB body of 3,000 layers took 85 MB. curl refuses more than five
            // (CVE-2022-32206); so does this, keeping the body as it came.
            KeepCoded(HttpAnomalyKinds.UnsupportedContentEncoding,
                $"{_contentEncodings.Count} content codings, more than the {MaxContentCodings} a client decodes: body kept coded");
        }
        // Codings are listed in the order they were applied, so they are undone last to first (RFC 9110 §8.4).
        for (int i = _contentEncodings.Count - 1; i >= 0 && _decodeError is null; i--)
        {
            string coding = _contentEncodings[i];
            if (!ContentDecoder.IsSupported(coding))
            {
                KeepCoded(HttpAnomalyKinds.UnsupportedContentEncoding, $"unsupported content coding '{coding}': body kept coded");
                continue;
            }
            if (coding == "identity") continue;
            long cost = ContentDecoder.StateBytes(coding) + DecodeStepBytes;
            if (!keptBytesBudget.TryReserve(cost))
            {
                KeepCoded(AnomalyKinds.KeptBytesLimit, keptBytesBudget.NoRoomDetail($"decode '{coding}'", "body kept coded"));
                continue;
            }
            _decoderBytes += cost;
            _decoders.Add(ContentDecoder.Create(coding));
            _stepBuffers.Add(ArrayPool<byte>.Shared.Rent(DecodeStepBytes));
        }
        _decoding = _decoders.Count > 0;
        // Content codings are undone here, so only an uncoded (or kept-coded) body's length is known in advance.
        _kept = new KeptBytes(settings.MaxBodyBytes, _decoders.Count == 0 ? contentLength : null, keptBytesBudget);
    }

    public long DecodedLength => _decodedLength;

    /// <summary>Gives up decoding before the first byte: the body is kept as it came, and why is reported.</summary>
    private void KeepCoded(string anomalyKind, string reason)
    {
        _decodeError = reason;
        _reportAnomaly(anomalyKind, reason);
        DisposeDecoders();
        _decoders.Clear();
    }

    /// <summary>Counts framing bytes (chunk-size lines, CRLFs) that are on the wire but not in the body.</summary>
    public void AddFramingBytes(long count) => _wireLength += count;

    public void AddChunk(ReadOnlySpan<byte> extensions)
    {
        _chunkCount++;
        if (!extensions.IsEmpty && _chunkExtensions.Count < MaxChunkExtensionsKept) _chunkExtensions.Add(HttpText.Decode(extensions));
    }

    public void SetTrailers(IReadOnlyList<HttpHeader> trailers) => _trailers = trailers;

    /// <summary>Body bytes after transfer decoding, in order.</summary>
    public void Write(in ReadOnlySequence<byte> payload)
    {
        foreach (ReadOnlyMemory<byte> segment in payload) Write(segment.Span);
    }

    /// <summary>Body bytes after transfer decoding, in order.</summary>
    public void Write(ReadOnlySpan<byte> payload)
    {
        _wireLength += payload.Length;
        _encodedLength += payload.Length;
        if (_decoding) Decode(0, payload);
        else if (_decoders.Count == 0) Accept(payload);
    }

    /// <summary>Bytes of the body that will never arrive. A coded body cannot be decoded past a hole.</summary>
    public void AddGap(long length)
    {
        _wireLength += length;
        _encodedLength += length;
        _missingBytes += length;
        if (_decoding) StopDecoding("a gap in the coded body");
    }

    /// <summary>The body so far; <paramref name="incomplete"/> when its end was never seen.</summary>
    public HttpBody Complete(bool incomplete)
    {
        bool truncated = _kept.Count < _decodedLength;
        string? sha256 = _overflowHash is null ? null : Convert.ToHexStringLower(_overflowHash.GetHashAndReset());
        if (truncated && _kept.BudgetExhausted)
        {
            _reportAnomaly(AnomalyKinds.KeptBytesLimit, _kept.Budget.ExhaustedDetail("decoded body", _kept.Count, _decodedLength));
        }
        else if (truncated && _settings.MaxBodyBytes > 0)
        {
            _reportAnomaly(HttpAnomalyKinds.BodyOverCap, $"kept {_kept.Count} of {_decodedLength} decoded bytes (cap {_settings.MaxBodyBytes}); size and SHA-256 cover all of them");
        }
        byte[] content = _kept.Detach();
        bool listParts = _boundary is not null && _mediaType?.StartsWith("multipart/", StringComparison.Ordinal) == true && !truncated;
        return new HttpBody
        {
            Framing = _framing,
            WireLength = _wireLength,
            EncodedLength = _encodedLength,
            ContentEncodings = _contentEncodings,
            DecodedLength = _decodedLength,
            StreamedSha256 = sha256,
            Content = content,
            ContentTruncated = truncated,
            Incomplete = incomplete || _missingBytes > 0,
            MissingBytes = _missingBytes,
            DecodeError = _decodeError,
            DecompressionBomb = _bomb,
            MediaType = _mediaType,
            ChunkCount = _chunkCount,
            ChunkExtensions = _chunkExtensions,
            Trailers = _trailers,
            Parts = listParts ? MultipartLister.ListParts(content, _boundary!) : [],
        };
    }

    public void Dispose()
    {
        _kept.Release();
        DisposeDecoders();
        _overflowHash?.Dispose();
    }

    /// <summary>Pushes into decoder <paramref name="stage"/> and drains it in bounded steps into the next stage.</summary>
    private void Decode(int stage, ReadOnlySpan<byte> coded)
    {
        ContentDecoder decoder = _decoders[stage];
        Span<byte> step = _stepBuffers[stage];
        decoder.Push(coded);
        while (_decoding)
        {
            int decoded;
            try
            {
                decoded = decoder.Read(step);
            }
            catch (InvalidDataException exception)
            {
                string reason = $"corrupt {_contentEncodings[_decoders.Count - 1 - stage]} data ({exception.Message})";
                _reportAnomaly(HttpAnomalyKinds.ContentDecodingFailed, reason);
                StopDecoding(reason);
                return;
            }
            if (decoded == 0) break;
            if (stage + 1 < _decoders.Count) Decode(stage + 1, step[..decoded]);
            else Accept(step[..decoded]);
        }
        if (_decoding && decoder.PendingInput > MaxUndecodedBytes)
        {
            string reason = "data after the end of the coded stream";
            _reportAnomaly(HttpAnomalyKinds.ContentDecodingFailed, reason);
            StopDecoding(reason);
        }
    }

    /// <summary>Counts, hashes and keeps decoded bytes; applies the bomb guard to coded bodies.</summary>
    private void Accept(ReadOnlySpan<byte> decoded)
    {
        _decodedLength += decoded.Length;
        int kept = _kept.Append(decoded);
        if (kept < decoded.Length)
        {
            // The first byte that does not fit: what was kept is hashed once, in one call, and everything after it
            // as it streams, so the hash still covers the whole entity.
            if (_overflowHash is null)
            {
                _overflowHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                _overflowHash.AppendData(_kept.Written);
            }
            _overflowHash.AppendData(decoded[kept..]);
        }

        if (!_decoding) return;
        // The ratio is against coded bytes the first decoder has actually taken, not all that were pushed,
        // so one large segment cannot buy ratio × its size of output before the guard looks.
        long codedTaken = _encodedLength - _decoders[0].PendingInput;
        bool overAbsolute = _decodedLength > _settings.MaxDecompressedBytes;
        bool overRatio = _decodedLength > RatioGuardFloorBytes && _decodedLength > codedTaken * _settings.MaxDecompressionRatio;
        if (overAbsolute || overRatio)
        {
            _bomb = true;
            string reason = overAbsolute
                ? $"decoded output passed {_settings.MaxDecompressedBytes} bytes"
                : $"{_decodedLength} bytes decoded from {codedTaken}: ratio over {_settings.MaxDecompressionRatio}";
            _reportAnomaly(HttpAnomalyKinds.DecompressionBomb, reason);
            StopDecoding("decompression bomb guard: " + reason);
        }
    }

    private void StopDecoding(string reason)
    {
        _decoding = false;
        _decodeError ??= reason;
        DisposeDecoders();
    }

    private void DisposeDecoders()
    {
        foreach (ContentDecoder decoder in _decoders) decoder.Dispose();
        foreach (byte[] buffer in _stepBuffers) ArrayPool<byte>.Shared.Return(buffer);
        _stepBuffers.Clear();
        _keptBytesBudget.Return(_decoderBytes);
        _decoderBytes = 0;
    }
}
