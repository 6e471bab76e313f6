using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Sniffer.Core.Dissection;
using Sniffer.Core.IO;
using Sniffer.Core.Records;

namespace Sniffer.Dissectors.Mail;

/// <summary>
/// Collects one message as its bytes arrive (in any pieces), hashing all of them and keeping the first
/// DissectorSettings.MaxMessageBytes; <see cref="Build"/> parses what was kept with MimeKit.
/// </summary>
/// <remarks>
/// SHA-256 is hashed on the way in: it names the message in the summary cache. The MD5 is hashed from the kept bytes
/// at the end, and only for a message the cache has not seen: most messages of a capture are seen again (fetched over
/// IMAP after their submission), and MD5 costs more than twice a SHA-256 on CPUs with SHA extensions. A message cut
/// at the cap is MD5-hashed on the way in from the cut on, since its kept bytes are not all it had.
/// </remarks>
public sealed class MailMessageBuilder : IDisposable
{
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private IncrementalHash? _md5OfCutMessage;
    private readonly long _maxKeptBytes;
    private readonly KeptBytes _kept;
    private readonly MessageSummaryCache? _summaries;
    private byte[]? _adopted;

    /// <param name="keptBytesBudget">What all flows' unfinished entities may keep together (the flow's).</param>
    /// <param name="summaries">Where a message seen before takes its summary from; null parses every message.</param>
    public MailMessageBuilder(DissectorSettings settings, KeptBytesBudget keptBytesBudget, MessageSummaryCache? summaries = null)
    {
        _summaries = summaries;
        _maxKeptBytes = Math.Min(settings.MaxMessageBytes, Array.MaxLength);
        // SMTP announces no length a parser could trust before the data (SIZE= of RFC 1870 is the client's estimate).
        _kept = new KeptBytes(_maxKeptBytes, announcedLength: null, keptBytesBudget);
    }

    /// <summary>Bytes appended so far.</summary>
    public long Size { get; private set; }

    public long MissingBytes { get; private set; }

    public bool HasGap { get; private set; }

    public bool Has8BitData { get; private set; }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return;
        if (_adopted is not null) throw new InvalidOperationException("a message adopted whole takes no more bytes");
        Count(bytes);
        int kept = _kept.Append(bytes);
        if (_md5OfCutMessage is not null)
        {
            _md5OfCutMessage.AppendData(bytes);
        }
        else if (kept < bytes.Length)
        {
            _md5OfCutMessage = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            _md5OfCutMessage.AppendData(_kept.Written);
            _md5OfCutMessage.AppendData(bytes[kept..]);
        }
    }

    /// <summary>
    /// The whole message at once, in bytes nobody changes afterwards (an IMAP literal): kept as they are, without a
    /// copy, when they are exactly one array that fits the cap; appended like any other bytes otherwise.
    /// </summary>
    public void AppendWhole(ReadOnlyMemory<byte> message)
    {
        if (Size == 0 && message.Length <= _maxKeptBytes && MemoryMarshal.TryGetArray(message, out ArraySegment<byte> segment)
            && segment.Offset == 0 && segment.Count == segment.Array!.Length)
        {
            Count(message.Span);
            _adopted = segment.Array;
            return;
        }
        Append(message.Span);
    }

    private void Count(ReadOnlySpan<byte> bytes)
    {
        _sha256.AppendData(bytes);
        if (!Has8BitData && bytes.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0) Has8BitData = true;
        Size += bytes.Length;
    }

    /// <summary>Records a hole in the message; <paramref name="length"/> is 0 when how much was lost is unknown.</summary>
    public void AddGap(long length)
    {
        HasGap = true;
        MissingBytes += length;
    }

    public MailMessage Build(string source, string id, long flowId, long timeNs, bool complete)
    {
        byte[] raw = _adopted ?? _kept.Detach();
        string sha256 = Convert.ToHexStringLower(_sha256.GetHashAndReset());
        // The hash names the kept bytes only when the cap cut none off.
        ParsedMessage parsed = _md5OfCutMessage is not null
            ? new ParsedMessage(MessageSummary.Parse(raw.AsMemory()), Convert.ToHexStringLower(_md5OfCutMessage.GetHashAndReset()))
            : _summaries?.GetOrParse(sha256, raw) ?? ParsedMessage.Of(raw);
        return new MailMessage
        {
            FlowId = flowId,
            TimeNs = timeNs,
            Source = source,
            Id = id,
            Raw = raw,
            Size = Size,
            Md5 = parsed.Md5,
            Sha256 = sha256,
            Complete = complete && !HasGap,
            MissingBytes = MissingBytes,
            Has8BitData = Has8BitData,
            Summary = parsed.Summary,
        };
    }

    /// <summary>
    /// Why <paramref name="message"/>, built here, keeps fewer bytes than it has, as the anomaly its dissector reports:
    /// the message cap, or the budget all flows share. Null when it keeps them all.
    /// </summary>
    public (string Kind, string Detail)? Truncation(MailMessage message)
    {
        if (!message.Truncated) return null;
        return _kept.BudgetExhausted
            ? (AnomalyKinds.KeptBytesLimit, _kept.Budget.ExhaustedDetail($"message {message.Id}", message.Raw.Length, message.Size))
            : (MailAnomalyKinds.MessageTooLarge, $"message {message.Id}: kept {message.Raw.Length} of {message.Size} bytes");
    }

    public void Dispose()
    {
        _kept.Release();
        _md5OfCutMessage?.Dispose();
        _sha256.Dispose();
    }
}
