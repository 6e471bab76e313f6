using System.Globalization;
using MimeKit;

namespace Sniffer.Servers.Mail;

/// <summary>A message as SEARCH sees it: its sequence number in the session, and whether it is \Recent there.</summary>
internal readonly record struct SearchCandidate(uint Sequence, StoredMessage Message, bool Recent, uint LargestSequence, uint LargestUid);

/// <summary>Turns SEARCH keys (RFC 3501 §6.4.4) into a test of one message; all keys given must match.</summary>
internal static class ImapSearch
{
    /// <summary>Nesting of NOT, OR and parentheses accepted, so a hostile query cannot recurse without end.</summary>
    private const int MaxDepth = 32;

    public static Func<SearchCandidate, bool> Parse(IReadOnlyList<ImapArg> keys)
    {
        int index = 0;
        var tests = new List<Func<SearchCandidate, bool>>();
        while (index < keys.Count) tests.Add(ParseKey(keys, ref index, depth: 0));
        if (tests.Count == 0) throw new ImapSyntaxException("SEARCH needs at least one key");
        return candidate => tests.All(test => test(candidate));
    }

    private static Func<SearchCandidate, bool> ParseKey(IReadOnlyList<ImapArg> keys, ref int index, int depth)
    {
        if (depth > MaxDepth) throw new ImapSyntaxException("Search keys nested too deeply");
        ImapArg key = keys[index++];
        if (key is ImapList group) return Parse(group.Items); // the tokenizer already bounds list nesting
        string name = key.Text!.ToUpperInvariant();
        switch (name)
        {
            case "ALL": return _ => true;
            case "ANSWERED": return HasFlag(MailFlags.Answered);
            case "DELETED": return HasFlag(MailFlags.Deleted);
            case "DRAFT": return HasFlag(MailFlags.Draft);
            case "FLAGGED": return HasFlag(MailFlags.Flagged);
            case "SEEN": return HasFlag(MailFlags.Seen);
            case "UNANSWERED": return Not(HasFlag(MailFlags.Answered));
            case "UNDELETED": return Not(HasFlag(MailFlags.Deleted));
            case "UNDRAFT": return Not(HasFlag(MailFlags.Draft));
            case "UNFLAGGED": return Not(HasFlag(MailFlags.Flagged));
            case "UNSEEN": return Not(HasFlag(MailFlags.Seen));
            case "RECENT": return candidate => candidate.Recent;
            case "OLD": return candidate => !candidate.Recent;
            case "NEW": return candidate => candidate.Recent && !candidate.Message.Flags.Contains(MailFlags.Seen);
            case "KEYWORD": return HasFlag(Argument(keys, ref index, name));
            case "UNKEYWORD": return Not(HasFlag(Argument(keys, ref index, name)));
            case "FROM":
            case "TO":
            case "CC":
            case "BCC":
            case "SUBJECT":
                return HeaderContains(name, Argument(keys, ref index, name));
            case "HEADER":
                string field = Argument(keys, ref index, name);
                return HeaderContains(field, Argument(keys, ref index, name));
            case "BODY":
                string bodyText = Argument(keys, ref index, name);
                return candidate => BodyContains(candidate.Message, bodyText);
            case "TEXT":
                string anyText = Argument(keys, ref index, name);
                return candidate => HeadersOf(candidate.Message).Any(header => Contains(header.Field + ": " + header.Value, anyText)) || BodyContains(candidate.Message, anyText);
            case "LARGER":
                long larger = Number(Argument(keys, ref index, name));
                return candidate => candidate.Message.Raw.Length > larger;
            case "SMALLER":
                long smaller = Number(Argument(keys, ref index, name));
                return candidate => candidate.Message.Raw.Length < smaller;
            case "BEFORE":
            case "ON":
            case "SINCE":
                return CompareDate(name, Date(Argument(keys, ref index, name)), candidate => candidate.Message.InternalDate);
            case "SENTBEFORE":
            case "SENTON":
            case "SENTSINCE":
                return CompareDate(name[4..], Date(Argument(keys, ref index, name)), candidate => candidate.Message.Layout.Message.Date);
            case "UID":
                SequenceSet uids = Set(Argument(keys, ref index, name));
                return candidate => uids.Contains(candidate.Message.Uid, candidate.LargestUid);
            case "NOT":
                if (index >= keys.Count) throw new ImapSyntaxException("NOT needs a key");
                return Not(ParseKey(keys, ref index, depth + 1));
            case "OR":
                if (index + 1 >= keys.Count) throw new ImapSyntaxException("OR needs two keys");
                Func<SearchCandidate, bool> left = ParseKey(keys, ref index, depth + 1);
                if (index >= keys.Count) throw new ImapSyntaxException("OR needs two keys");
                Func<SearchCandidate, bool> right = ParseKey(keys, ref index, depth + 1);
                return candidate => left(candidate) || right(candidate);
            default:
                SequenceSet sequence = Set(name);
                return candidate => sequence.Contains(candidate.Sequence, candidate.LargestSequence);
        }
    }

    private static Func<SearchCandidate, bool> HasFlag(string flag) => candidate => candidate.Message.Flags.Contains(flag);

    private static Func<SearchCandidate, bool> Not(Func<SearchCandidate, bool> test) => candidate => !test(candidate);

    /// <summary>RFC 3501 §6.4.4: header keys match a case-insensitive substring of the field's value.</summary>
    private static Func<SearchCandidate, bool> HeaderContains(string field, string text) =>
        candidate => HeadersOf(candidate.Message).Any(header => header.Field.Equals(field, StringComparison.OrdinalIgnoreCase) && Contains(header.Value, text));

    /// <summary>Dates compare by day alone, time and zone disregarded (RFC 3501 §6.4.4).</summary>
    private static Func<SearchCandidate, bool> CompareDate(string comparison, DateTime day, Func<SearchCandidate, DateTimeOffset> dateOf) => comparison switch
    {
        "BEFORE" => candidate => dateOf(candidate).Date < day,
        "ON" => candidate => dateOf(candidate).Date == day,
        _ => candidate => dateOf(candidate).Date >= day,
    };

    /// <summary>The top-level header fields: MimeKit keeps the Content-* ones on the body part.</summary>
    private static IEnumerable<Header> HeadersOf(StoredMessage message)
    {
        MimeMessage parsed = message.Layout.Message;
        return parsed.Body is null ? parsed.Headers : parsed.Headers.Concat(parsed.Body.Headers);
    }

    /// <summary>Searches the decoded text of the text parts (transfer encodings undone by MimeKit).</summary>
    private static bool BodyContains(StoredMessage message, string text) =>
        message.Layout.Message.BodyParts.OfType<TextPart>().Any(part => Contains(part.Text, text));

    private static bool Contains(string? haystack, string needle) => haystack is not null && haystack.Contains(needle, StringComparison.OrdinalIgnoreCase);

    private static string Argument(IReadOnlyList<ImapArg> keys, ref int index, string key)
    {
        if (index >= keys.Count || keys[index].Text is not { } text) throw new ImapSyntaxException($"{key} needs an argument");
        index++;
        return text;
    }

    private static long Number(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long number) ? number : throw new ImapSyntaxException($"Invalid number '{text}'");

    private static DateTime Date(string text) =>
        ImapWriter.TryParseDate(text, dateOnly: true, out DateTimeOffset date) ? date.Date : throw new ImapSyntaxException($"Invalid date '{text}'");

    private static SequenceSet Set(string text) =>
        SequenceSet.TryParse(text, out SequenceSet set) ? set : throw new ImapSyntaxException($"Unknown search key '{text}'");
}
