using System.Text;
using System.Text.RegularExpressions;
using Sniffer.Servers.Mail.Net;

namespace Sniffer.Servers.Mail;

/// <summary>How reading one command ended.</summary>
internal enum CommandReadStatus
{
    /// <summary>A whole command was read (it may still fail to parse: <see cref="CommandRead.SyntaxError"/>).</summary>
    Command,

    /// <summary>A synchronising literal over the limit was refused with a tagged NO; the client sends no data for it.</summary>
    LiteralRefused,

    /// <summary>The connection cannot go on: the client closed it, or sent what cannot be framed (an over-long line, a
    /// non-synchronising literal over the limit). <see cref="CommandRead.Goodbye"/> says why, when there is something to say.</summary>
    Closed,
}

internal readonly record struct CommandRead(CommandReadStatus Status, ImapCommand? Command, string? Tag, string? SyntaxError, string? Goodbye);

/// <summary>
/// Reads one IMAP command off the connection (RFC 3501 §2.2): a line, and when it ends in a literal announcement
/// <c>{n}</c> (or LITERAL+'s <c>{n+}</c>, RFC 7888) the literal's n bytes, counted, then the rest of the command on
/// further lines. Literal bytes are never scanned for lines, so a literal holding "a1 LOGOUT" stays data.
/// </summary>
internal sealed partial class ImapCommandReader(LineConnection connection, ImapTestServerOptions options)
{
    /// <summary>Literals in one command; APPEND needs one, LOGIN two, SEARCH a few.</summary>
    private const int MaxLiteralsPerCommand = 16;

    public async Task<CommandRead> ReadAsync()
    {
        var pieces = new List<object>(); // text fragments (string) and literals (byte[]), in order
        string? tag = null;
        int textBytes = 0;
        while (true)
        {
            ReceivedLine line = await connection.ReadLineAsync(options.MaxLineLength);
            if (line.Status == LineStatus.Closed) return new CommandRead(CommandReadStatus.Closed, null, tag, null, null);
            // A line that could not be read whole may have announced a literal, so what follows cannot be framed.
            if (line.Status == LineStatus.TooLong)
                return new CommandRead(CommandReadStatus.Closed, null, tag, null, "* BYE [TOOBIG] Command line too long");
            string text = line.Text;
            textBytes += text.Length;
            if (pieces.Count == 0) tag = ValidTagOrNull(text.Split(' ', 2)[0]);
            if (textBytes > options.MaxCommandLength)
                return new CommandRead(CommandReadStatus.Closed, null, tag, null, "* BYE [TOOBIG] Command too long");
            Match announcement = LiteralAnnouncement().Match(text);
            if (!announcement.Success)
            {
                pieces.Add(text);
                return Parse(pieces, tag);
            }
            pieces.Add(text[..announcement.Index]);
            bool synchronising = announcement.Groups["plus"].Length == 0;
            if (!long.TryParse(announcement.Groups["count"].Value, out long count) || count > options.MaxLiteralSize || pieces.Count > 2 * MaxLiteralsPerCommand)
            {
                // RFC 3501 §7.5: a synchronising literal may be refused with NO instead of "+"; the client then sends
                // nothing more of the command. A non-synchronising one is already on its way and cannot be skipped
                // without reading it, so the connection ends (RFC 7888 §4 allows closing it).
                if (synchronising) return new CommandRead(CommandReadStatus.LiteralRefused, null, tag, null, null);
                return new CommandRead(CommandReadStatus.Closed, null, tag, null, "* BYE [TOOBIG] Literal too large");
            }
            if (synchronising)
            {
                connection.Write("+ Ready for literal data\r\n");
                await connection.FlushAsync();
            }
            var literal = new byte[count];
            if (!await connection.ReadExactlyAsync(literal)) return new CommandRead(CommandReadStatus.Closed, null, tag, null, null);
            pieces.Add(literal);
        }
    }

    /// <summary>RFC 3501 §9: a tag is astring characters other than "+"; "*" is not one either.</summary>
    private static string? ValidTagOrNull(string tag) =>
        tag.Length > 0 && !tag.Contains('+') && !tag.Contains('*') && !tag.Any(c => c is '(' or ')' or '{' or '"' or '\\' or '%' || char.IsControl(c) || c > '~')
            ? tag
            : null;

    private static CommandRead Parse(List<object> pieces, string? tag)
    {
        try
        {
            var tokenizer = new Tokenizer(pieces);
            string commandTag = tokenizer.ReadTag();
            string name = tokenizer.ReadCommandName();
            IReadOnlyList<ImapArg> arguments = tokenizer.ReadArguments();
            return new CommandRead(CommandReadStatus.Command, new ImapCommand(commandTag, name, arguments), commandTag, null, null);
        }
        catch (ImapSyntaxException e)
        {
            return new CommandRead(CommandReadStatus.Command, null, tag, e.Message, null);
        }
    }

    [GeneratedRegex(@"\{(?<count>[0-9]{1,19})(?<plus>\+?)\}$")]
    private static partial Regex LiteralAnnouncement();

    /// <summary>Splits the pieces of a command into arguments (RFC 3501 §9 grammar, the parts commands use).</summary>
    private sealed class Tokenizer(List<object> pieces)
    {
        private int _piece;
        private int _position;

        private string Text => pieces[_piece] as string ?? "";

        public string ReadTag()
        {
            string tag = ValidTagOrNull(ReadAtomText()) ?? throw new ImapSyntaxException("Invalid tag");
            ExpectSpace();
            return tag;
        }

        public string ReadCommandName()
        {
            string name = ReadAtomText();
            if (name.Length == 0) throw new ImapSyntaxException("Missing command");
            return name.ToUpperInvariant();
        }

        public IReadOnlyList<ImapArg> ReadArguments()
        {
            var arguments = new List<ImapArg>();
            while (SkipSpaces()) arguments.Add(ReadArgument(depth: 0));
            return arguments;
        }

        /// <summary>Skips spaces; false at the end of the command.</summary>
        private bool SkipSpaces()
        {
            while (true)
            {
                if (_piece >= pieces.Count) return false;
                if (pieces[_piece] is byte[]) return true;
                if (_position < Text.Length)
                {
                    if (Text[_position] != ' ') return true;
                    _position++;
                    continue;
                }
                // The end of a text piece: a literal (or nothing) follows.
                if (_piece + 1 >= pieces.Count) return false;
                _piece++;
                _position = 0;
            }
        }

        private ImapArg ReadArgument(int depth)
        {
            if (pieces[_piece] is byte[] literal)
            {
                _piece++;
                _position = 0;
                return new ImapString(literal, IsLiteral: true);
            }
            char c = Text[_position];
            if (c == '(')
            {
                if (depth > 8) throw new ImapSyntaxException("Lists nested too deeply");
                _position++;
                var items = new List<ImapArg>();
                while (true)
                {
                    if (!SkipSpaces()) throw new ImapSyntaxException("Unterminated list");
                    if (pieces[_piece] is string && Text[_position] == ')')
                    {
                        _position++;
                        return new ImapList(items);
                    }
                    items.Add(ReadArgument(depth + 1));
                }
            }
            if (c == '"') return ReadQuoted();
            string atom = ReadAtomText();
            if (atom.Length == 0) throw new ImapSyntaxException($"Unexpected '{c}'");
            return new ImapAtom(atom);
        }

        private ImapString ReadQuoted()
        {
            var bytes = new List<byte>();
            string text = Text;
            for (int i = _position + 1; i < text.Length; i++)
            {
                char c = text[i];
                if (c == '"')
                {
                    _position = i + 1;
                    return new ImapString(bytes.ToArray(), IsLiteral: false);
                }
                if (c == '\\')
                {
                    if (++i == text.Length || text[i] is not ('"' or '\\')) throw new ImapSyntaxException("Invalid escape in quoted string");
                    c = text[i];
                }
                bytes.Add((byte)c);
            }
            throw new ImapSyntaxException("Unterminated quoted string");
        }

        /// <summary>An atom; a "[" inside it runs to the matching "]" with spaces and parentheses kept (fetch sections).</summary>
        private string ReadAtomText()
        {
            string text = Text;
            int start = _position;
            int brackets = 0;
            while (_position < text.Length)
            {
                char c = text[_position];
                if (c == '[') brackets++;
                else if (c == ']' && brackets > 0) brackets--;
                else if (brackets == 0 && (c is ' ' or '(' or ')' or '"' or '{' || char.IsControl(c))) break;
                _position++;
            }
            if (brackets > 0) throw new ImapSyntaxException("Unterminated '['");
            return text[start.._position];
        }

        private void ExpectSpace()
        {
            if (_position >= Text.Length || Text[_position] != ' ') throw new ImapSyntaxException("Expected a space");
            _position++;
        }
    }
}
