using System.Buffers;
using System.Text;
using Sniffer.Core.IO;

namespace Sniffer.Dissectors.Imap.Parsing;

/// <summary>
/// The bytes of one literal (RFC 9051 §4.3). They are kept up to a cap (DissectorSettings.MaxLiteralBytes) and
/// counted beyond it; bytes a capture gap lost are counted as missing, so the framing survives the gap. Its size is
/// known up front, so the kept bytes go into an array of that size where the shared budget allows (see
/// <see cref="KeptBytes"/>); <see cref="Data"/> is readable once the tokenizer has finished the literal.
/// </summary>
public sealed class ImapLiteral
{
    private readonly KeptBytes _kept;
    private byte[]? _data;
    private long _keptLength;

    public ImapLiteral(long declaredLength, ImapLiteralKind kind, long keepLimit, KeptBytesBudget keptBytesBudget)
    {
        DeclaredLength = declaredLength;
        Kind = kind;
        _kept = new KeptBytes(keepLimit, declaredLength, keptBytesBudget);
    }

    /// <summary>The n of <c>{n}</c>.</summary>
    public long DeclaredLength { get; }

    public ImapLiteralKind Kind { get; }

    /// <summary>Bytes delivered so far, kept or not.</summary>
    public long ReceivedBytes { get; private set; }

    /// <summary>Bytes a capture gap lost.</summary>
    public long MissingBytes { get; private set; }

    /// <summary>True when more was sent than the cap or the shared budget let it keep: <see cref="Data"/> holds only the first bytes.</summary>
    public bool Truncated => ReceivedBytes > _keptLength;

    /// <summary>True when it stopped keeping because all flows' unfinished entities had kept as much as they may.</summary>
    public bool BudgetExhausted => _kept.BudgetExhausted;

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

    /// <summary>The kept bytes, in an array of exactly their size.</summary>
    public ReadOnlyMemory<byte> Data => _data ?? throw new InvalidOperationException("the literal is still arriving");

    /// <summary>The kept bytes as UTF-8 text (astring values: user names, mailbox names, search keys).</summary>
    public string Text => Encoding.UTF8.GetString(Data.Span);

    internal void Append(ReadOnlySequence<byte> bytes)
    {
        foreach (ReadOnlyMemory<byte> segment in bytes) _keptLength += _kept.Append(segment.Span);
        ReceivedBytes += bytes.Length;
    }

    internal void AddMissing(long length) => MissingBytes += length;

    /// <summary>No more bytes will come (all arrived, or a gap or the end cut it): the kept ones become <see cref="Data"/>.</summary>
    internal void Finish() => _data ??= _kept.Detach();

    /// <summary>Its bytes were read into their record; what holds the literal from now on keeps only its lengths.</summary>
    internal void Forget() => _data = [];

    /// <summary>Nobody will read it (the connection was given up): its bytes go, and their share of the budget.</summary>
    internal void Abandon() => _kept.Release();
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
