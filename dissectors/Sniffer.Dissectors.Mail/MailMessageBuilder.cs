using System.Security.Cryptography;
using Sniffer.Core.Dissection;

namespace Sniffer.Dissectors.Mail;

/// <summary>
/// Collects one message as its bytes arrive (in any pieces), hashing all of them and keeping the first
/// DissectorSettings.MaxMessageBytes; <see cref="Build"/> parses what was kept with MimeKit.
/// </summary>
public sealed class MailMessageBuilder : IDisposable
{
    private const int InitialCapacity = 16 * 1024;

    private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly long _maxKeptBytes;
    private byte[] _kept = [];
    private int _keptLength;

    public MailMessageBuilder(DissectorSettings settings)
    {
        _maxKeptBytes = Math.Min(settings.MaxMessageBytes, Array.MaxLength);
    }

    /// <summary>Bytes appended so far.</summary>
    public long Size { get; private set; }

    public long MissingBytes { get; private set; }

    public bool HasGap { get; private set; }

    public bool Has8BitData { get; private set; }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return;
        _md5.AppendData(bytes);
        _sha256.AppendData(bytes);
        if (!Has8BitData && bytes.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0) Has8BitData = true;
        Size += bytes.Length;
        int room = (int)Math.Min(bytes.Length, _maxKeptBytes - _keptLength);
        if (room <= 0) return;
        if (_keptLength + room > _kept.Length)
        {
            long grown = Math.Max(_kept.Length * 2L, Math.Max(InitialCapacity, _keptLength + room));
            Array.Resize(ref _kept, (int)Math.Min(grown, _maxKeptBytes));
        }
        bytes[..room].CopyTo(_kept.AsSpan(_keptLength));
        _keptLength += room;
    }

    /// <summary>Records a hole in the message; <paramref name="length"/> is 0 when how much was lost is unknown.</summary>
    public void AddGap(long length)
    {
        HasGap = true;
        MissingBytes += length;
    }

    public MailMessage Build(string source, string id, long flowId, long timeNs, bool complete)
    {
        ReadOnlyMemory<byte> raw = _kept.AsMemory(0, _keptLength);
        return new MailMessage
        {
            FlowId = flowId,
            TimeNs = timeNs,
            Source = source,
            Id = id,
            Raw = raw,
            Size = Size,
            Md5 = Convert.ToHexStringLower(_md5.GetHashAndReset()),
            Sha256 = Convert.ToHexStringLower(_sha256.GetHashAndReset()),
            Complete = complete && !HasGap,
            MissingBytes = MissingBytes,
            Has8BitData = Has8BitData,
            Summary = MessageSummary.Parse(raw),
        };
    }

    public void Dispose()
    {
        _md5.Dispose();
        _sha256.Dispose();
    }
}
