using System.Buffers;
using System.Text;

namespace Sniffer.Dissectors.Imap.Parsing;

/// <summary>
/// The bytes of one literal (RFC 9051 §4.3). They are kept up to a cap (DissectorSettings.MaxLiteralBytes) and
/// counted beyond it; bytes a capture gap lost are counted as missing, so the framing survives the gap.
/// </summary>
public sealed class ImapLiteral
{
    // The declared length is trusted up front only this far: a peer that announces large literals and sends nothing
    // must not make each of its flows hold more. Header sections and most messages fit; a larger literal grows from
    // here in steps that stop at the declared length, so its last array is still exactly its size.
    private const long MaxPresizedBytes = 64 * 1024;

    private readonly long _keepLimit;
    private byte[] _kept = [];
    private int _keptLength;

    public ImapLiteral(long declaredLength, ImapLiteralKind kind, long keepLimit)
    {
        DeclaredLength = declaredLength;
        Kind = kind;
        _keepLimit = keepLimit;
    }

    /// <summary>The n of <c>{n}</c>.</summary>
    public long DeclaredLength { get; }

    public ImapLiteralKind Kind { get; }

    /// <summary>Bytes delivered so far, kept or not.</summary>
    public long ReceivedBytes { get; private set; }

    /// <summary>Bytes a capture gap lost.</summary>
    public long MissingBytes { get; private set; }

    /// <summary>True when more than the cap was sent: <see cref="Data"/> holds only the first bytes.</summary>
    public bool Truncated => ReceivedBytes > _keptLength;

    /// <summary>True when every declared byte was captured.</summary>
    public bool Complete => MissingBytes == 0 && ReceivedBytes == DeclaredLength;

    internal long Remaining => DeclaredLength - ReceivedBytes - MissingBytes;

    /// <summary>The server answered "+" to this synchronising literal: the client may send it (RFC 9051 §7.5).</summary>
    public bool Invited { get; internal set; }

    /// <summary>
    /// The server refused this synchronising literal with a tagged NO or BAD instead of "+" (RFC 9051 §4.3), so the
    /// client never sent it.
    /// </summary>
    public bool Refused { get; internal set; }

    /// <summary>The kept bytes.</summary>
    public ReadOnlyMemory<byte> Data => _kept.AsMemory(0, _keptLength);

    /// <summary>The kept bytes as UTF-8 text (astring values: user names, mailbox names, search keys).</summary>
    public string Text => Encoding.UTF8.GetString(Data.Span);

    internal void Append(ReadOnlySequence<byte> bytes)
    {
        long keep = Math.Min(bytes.Length, _keepLimit - _keptLength);
        if (keep > 0)
        {
            if (_keptLength + keep > _kept.Length)
            {
                // A literal's size is known up front (RFC 9051 §4.3): the first array is as large as it, up to what may be
                // trusted, and later ones double, never past what was declared or the cap.
                long declared = Math.Min(DeclaredLength, _keepLimit);
                long wanted = Math.Min(declared, Math.Max(MaxPresizedBytes, _kept.Length * 2L));
                Array.Resize(ref _kept, (int)Math.Min(Math.Max(wanted, _keptLength + keep), _keepLimit));
            }
            bytes.Slice(0, keep).CopyTo(_kept.AsSpan(_keptLength));
            _keptLength += (int)keep;
        }
        ReceivedBytes += bytes.Length;
    }

    internal void AddMissing(long length) => MissingBytes += length;
}

/// <summary>How a literal was announced.</summary>
public enum ImapLiteralKind : byte
{
    /// <summary><c>{n}</c>: a client waits for the server's continuation before sending it (RFC 9051 §7.5).</summary>
    Synchronizing,

    /// <summary><c>{n+}</c>: LITERAL+ / LITERAL- (RFC 7888 §3), sent at once.</summary>
    NonSynchronizing,

    /// <summary><c>~{n}</c>: literal8, may hold NUL bytes (RFC 3516 §4.3).</summary>
    Binary,
}
