using System.Globalization;
using System.Text.RegularExpressions;

namespace Sniffer.Servers.Mail;

/// <summary>What a FETCH data item asks for.</summary>
internal enum FetchKind { Flags, Uid, Size, InternalDate, Envelope, BodyStructure, Body, Section }

/// <summary>
/// One FETCH data item (RFC 3501 §6.4.5). A <see cref="FetchKind.Section"/> carries its part numbers, its section text
/// (HEADER, HEADER.FIELDS, HEADER.FIELDS.NOT, TEXT, MIME or "") and field names, and an optional partial range.
/// </summary>
internal sealed partial record FetchItem(FetchKind Kind, string ResponseName, IReadOnlyList<int> Parts, string SectionText, IReadOnlyList<string> Fields, bool SetsSeen, long PartialStart = -1, long PartialCount = 0)
{
    private static readonly string[] SectionTexts = ["", "HEADER", "HEADER.FIELDS", "HEADER.FIELDS.NOT", "TEXT", "MIME"];

    /// <summary>Reads the items after the sequence set: one item, a macro (ALL, FAST, FULL) or a parenthesised list.</summary>
    public static IReadOnlyList<FetchItem> ParseAll(IReadOnlyList<ImapArg> arguments)
    {
        if (arguments.Count != 1) throw new ImapSyntaxException("FETCH needs a sequence set and data items");
        if (arguments[0] is ImapList list)
        {
            if (list.Items.Count == 0) throw new ImapSyntaxException("FETCH needs data items");
            return list.Items.Select(item => Parse(item.Text ?? throw new ImapSyntaxException("Invalid FETCH item"))).ToList();
        }
        string name = arguments[0].Text!.ToUpperInvariant();
        string[] macro = name switch
        {
            "ALL" => ["FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"],
            "FAST" => ["FLAGS", "INTERNALDATE", "RFC822.SIZE"],
            "FULL" => ["FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY"],
            _ => [arguments[0].Text!],
        };
        return macro.Select(Parse).ToList();
    }

    private static FetchItem Parse(string item)
    {
        string upper = item.ToUpperInvariant();
        switch (upper)
        {
            case "FLAGS": return Simple(FetchKind.Flags, upper);
            case "UID": return Simple(FetchKind.Uid, upper);
            case "RFC822.SIZE": return Simple(FetchKind.Size, upper);
            case "INTERNALDATE": return Simple(FetchKind.InternalDate, upper);
            case "ENVELOPE": return Simple(FetchKind.Envelope, upper);
            case "BODYSTRUCTURE": return Simple(FetchKind.BodyStructure, upper);
            case "BODY": return Simple(FetchKind.Body, upper);
            // RFC 3501 §6.4.5: RFC822 is BODY[], RFC822.HEADER is BODY.PEEK[HEADER], RFC822.TEXT is BODY[TEXT].
            case "RFC822": return new FetchItem(FetchKind.Section, upper, [], "", [], SetsSeen: true);
            case "RFC822.HEADER": return new FetchItem(FetchKind.Section, upper, [], "HEADER", [], SetsSeen: false);
            case "RFC822.TEXT": return new FetchItem(FetchKind.Section, upper, [], "TEXT", [], SetsSeen: true);
        }
        Match match = SectionItem().Match(item);
        if (!match.Success) throw new ImapSyntaxException($"Unknown FETCH item '{item}'");
        string section = match.Groups["section"].Value;
        (IReadOnlyList<int> parts, string text, IReadOnlyList<string> fields) = ParseSection(section);
        long start = -1, count = 0;
        if (match.Groups["start"].Success)
        {
            if (!long.TryParse(match.Groups["start"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out start)
                || !long.TryParse(match.Groups["count"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count == 0)
                throw new ImapSyntaxException("Invalid partial range");
        }
        // RFC 3501 §7.4.2: the reply names BODY[section] (never .PEEK) and gives only the partial origin.
        string responseName = $"BODY[{section}]" + (start >= 0 ? $"<{start}>" : "");
        return new FetchItem(FetchKind.Section, responseName, parts, text, fields, SetsSeen: !match.Groups["peek"].Success, start, count);
    }

    private static FetchItem Simple(FetchKind kind, string name) => new(kind, name, [], "", [], SetsSeen: false);

    /// <summary>Splits "1.2.HEADER.FIELDS (From To)" into part numbers, section text and field names.</summary>
    private static (IReadOnlyList<int> Parts, string Text, IReadOnlyList<string> Fields) ParseSection(string section)
    {
        string spec = section;
        var fields = new List<string>();
        int open = spec.IndexOf('(');
        if (open >= 0)
        {
            if (!spec.EndsWith(')')) throw new ImapSyntaxException("Invalid header field list");
            fields.AddRange(spec[(open + 1)..^1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(name => name.Trim('"')));
            spec = spec[..open].TrimEnd();
        }
        string[] tokens = spec.Length == 0 ? [] : spec.Split('.');
        var parts = new List<int>();
        int index = 0;
        for (; index < tokens.Length && tokens[index].Length > 0 && tokens[index].All(char.IsAsciiDigit); index++)
        {
            if (!int.TryParse(tokens[index], NumberStyles.None, CultureInfo.InvariantCulture, out int part) || part == 0)
                throw new ImapSyntaxException("Invalid part number");
            parts.Add(part);
        }
        string text = string.Join('.', tokens[index..]).ToUpperInvariant();
        bool valid = SectionTexts.Contains(text)
            && (text != "MIME" || parts.Count > 0)
            && (text.StartsWith("HEADER.FIELDS", StringComparison.Ordinal) ? fields.Count > 0 : open < 0);
        if (!valid) throw new ImapSyntaxException($"Invalid section '{section}'");
        return (parts, text, fields);
    }

    [GeneratedRegex(@"^BODY(?<peek>\.PEEK)?\[(?<section>[^\]]*)\](?:<(?<start>[0-9]{1,10})\.(?<count>[0-9]{1,10})>)?$", RegexOptions.IgnoreCase)]
    private static partial Regex SectionItem();
}
