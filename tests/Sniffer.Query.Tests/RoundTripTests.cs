using Sniffer.Query;
using Xunit;

namespace Sniffer.Query.Tests;

/// <summary>Text → tree → canonical text → the same tree, for written examples and for generated trees.</summary>
public sealed class RoundTripTests
{
    public static TheoryData<string> Examples() => new(
        "http.status == 304 && host ~ \"example\"",
        "ttfb > 200ms",
        "size > 1MB",
        "smtp.from ~ alice",
        "status >= 400 && status < 500 || status == 599",
        "!(method == GET || method == HEAD) && uri ~ /\\.php$/",
        "a_or_b_is_not_a_field_but_this_is == x || subject ~ \"and\"",
        "(host == a || host == b) && (status == 200 || status == 304)",
        "host == a || (host == b || host == c)",
        "host == a && (host == b && host == c)",
        "!!http.cookie",
        "not not referer",
        "subject == \"quote \\\" and backslash \\\\ inside\"",
        "subject == \"\"",
        "subject ~ \"  spaces  \"",
        "uri ~ /^\\/api\\/v[0-9]+\\//",
        "uri ~ /a\\\\/",
        "time >= 2024-05-01T10:00:00Z && time < \"2024-05-02 00:00\"",
        "content_type == text/html && size >= 2KiB",
        "client == \"[2001:db8::1]:443\" || server.port == 8080",
        "anomaly.kind ~ smuggling || detail matches \"(?-i)CL\"",
        "imap.command == FETCH && latency > 1.5s && mailbox == INBOX",
        "mail.attachment ~ .pdf && mail.size > 10MiB",
        "kind == \"my kind\" && protocol != http");

    [Theory]
    [MemberData(nameof(Examples))]
    public void Written_examples_round_trip(string text)
    {
        // Fields in the list that are not in the catalogue make the example a syntax error, not a round trip.
        if (!FilterExpression.TryParse(text, out Filter? filter, out _))
        {
            Assert.StartsWith("a_or_b", text);
            return;
        }
        AssertRoundTrips(filter!);
    }

    [Fact]
    public void Generated_trees_round_trip()
    {
        var random = new Random(20261127);
        for (int i = 0; i < 5_000; i++) AssertRoundTrips(new Filter(RandomNode(random, depth: 0)));
    }

    private static void AssertRoundTrips(Filter filter)
    {
        string text = filter.ToString();
        Filter again = FilterExpression.Parse(text);
        Assert.Equal(filter.Root, again.Root);
        Assert.Equal(text, again.ToString());
    }

    private static FilterNode RandomNode(Random random, int depth) => (depth > 4 ? 3 + random.Next(2) : random.Next(5)) switch
    {
        0 => new AndNode(RandomNode(random, depth + 1), RandomNode(random, depth + 1)),
        1 => new OrNode(RandomNode(random, depth + 1), RandomNode(random, depth + 1)),
        2 => new NotNode(RandomNode(random, depth + 1)),
        3 => new PresenceNode(RandomField(random)),
        _ => RandomComparison(random),
    };

    private static FieldDefinition RandomField(Random random) => FieldCatalogue.All[random.Next(FieldCatalogue.All.Count)];

    private static ComparisonNode RandomComparison(Random random)
    {
        FieldDefinition field = RandomField(random);
        if (field.Type == FieldType.Text)
        {
            var op = (ComparisonOperator)random.Next(7);
            FilterValue text = op == ComparisonOperator.Matches && random.Next(2) == 0
                ? new RegexValue(RandomRegex(random))
                : new TextValue(RandomText(random, "aZ9 \"\\/.-:@()&|!=<>~éand"));
            return new ComparisonNode(field, op, text);
        }
        (long value, string written) = field.Type switch
        {
            FieldType.Size => Pick(random, (1_500_000, "1.5MB"), (2048, "2KiB"), (7, "7")),
            FieldType.Duration => Pick(random, (200_000_000, "200ms"), (10_000, "10us"), (1_500_000_000, "1.5s")),
            FieldType.Timestamp => Pick(random, (1_714_557_600_000_000_000, "2024-05-01T10:00:00Z"), (1_714_557_600_000_000_000, "\"2024-05-01 10:00:00\"")),
            _ => Pick(random, (200, "200"), (0, "0"), (65535, "65535")),
        };
        string unquoted = written.Trim('"');
        return new ComparisonNode(field, (ComparisonOperator)random.Next(6), new IntegerValue(value, unquoted));
    }

    private static (long, string) Pick(Random random, params (long, string)[] choices) => choices[random.Next(choices.Length)];

    /// <summary>Text that exercises quoting: operators, quotes, backslashes, spaces, keywords, non-ASCII.</summary>
    private static string RandomText(Random random, string alphabet)
    {
        if (random.Next(10) == 0) return new[] { "and", "or", "not", "matches", "contains", "" }[random.Next(6)];
        int length = 1 + random.Next(8);
        var chars = new char[length];
        for (int i = 0; i < length; i++) chars[i] = alphabet[random.Next(alphabet.Length)];
        return new string(chars);
    }

    /// <summary>A valid pattern with slashes (escaped when printed) and backslash escapes the lexer must keep.</summary>
    private static string RandomRegex(Random random)
    {
        string[] pieces = ["a", "b", "/", ".", @"\d", "x*", @"\\", "é", "(c|d)", " "];
        return string.Concat(Enumerable.Range(0, 1 + random.Next(6)).Select(_ => pieces[random.Next(pieces.Length)]));
    }
}
