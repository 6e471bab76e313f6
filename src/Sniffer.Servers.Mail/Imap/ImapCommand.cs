using System.Text;

namespace Sniffer.Servers.Mail;

/// <summary>One argument of an IMAP command: an atom, a string (quoted or literal), or a parenthesised list.</summary>
internal abstract record ImapArg
{
    /// <summary>The argument as text: an atom as written, a string decoded as UTF-8; null for a list.</summary>
    public abstract string? Text { get; }
}

/// <summary>An atom as written, including any <c>[section]</c> and <c>&lt;partial&gt;</c> it carries (<c>BODY.PEEK[HEADER]&lt;0.10&gt;</c>).</summary>
internal sealed record ImapAtom(string Value) : ImapArg
{
    public override string Text => Value;
}

/// <summary>A quoted string or a literal, as bytes.</summary>
internal sealed record ImapString(byte[] Bytes, bool IsLiteral) : ImapArg
{
    public override string Text => Encoding.UTF8.GetString(Bytes);
}

internal sealed record ImapList(IReadOnlyList<ImapArg> Items) : ImapArg
{
    public override string? Text => null;
}

/// <summary>A command: its tag, its name in upper case, and its arguments.</summary>
internal sealed record ImapCommand(string Tag, string Name, IReadOnlyList<ImapArg> Arguments);

/// <summary>Why a command could not be parsed; the message goes into the tagged BAD.</summary>
internal sealed class ImapSyntaxException(string message) : Exception(message);
