using Sniffer.Query;
using Xunit;
using static Sniffer.Query.FieldCatalogue;

namespace Sniffer.Query.Tests;

public sealed class ParserTests
{
    [Fact]
    public void A_conjunction_of_a_status_and_a_host_substring_parses_to_its_tree()
    {
        Filter filter = FilterExpression.Parse("http.status == 304 && host ~ \"example\"");

        Assert.Equal(
            new AndNode(
                new ComparisonNode(HttpStatus, ComparisonOperator.Equal, new IntegerValue(304, "304")),
                new ComparisonNode(HttpHost, ComparisonOperator.Matches, new TextValue("example"))),
            filter.Root);
        Assert.Equal("http.status == 304 && http.host ~ example", filter.ToString());
    }

    [Fact]
    public void And_binds_tighter_than_or_and_not_tighter_than_and()
    {
        Filter filter = FilterExpression.Parse("status == 200 || !status == 404 && method == GET");

        var expected = new OrNode(
            new ComparisonNode(HttpStatus, ComparisonOperator.Equal, new IntegerValue(200, "200")),
            new AndNode(
                new NotNode(new ComparisonNode(HttpStatus, ComparisonOperator.Equal, new IntegerValue(404, "404"))),
                new ComparisonNode(FieldCatalogue.HttpMethod, ComparisonOperator.Equal, new TextValue("GET"))));
        Assert.Equal(expected, filter.Root);
    }

    [Fact]
    public void Keywords_spell_the_same_operators_as_symbols()
    {
        Assert.Equal(
            FilterExpression.Parse("!(smtp.from ~ alice || subject ~ /^re:/) && size >= 1KB").Root,
            FilterExpression.Parse("NOT (smtp.from contains alice or subject matches \"^re:\") and size >= 1KB").Root);
    }

    [Fact]
    public void A_field_alone_tests_for_presence()
    {
        Assert.Equal(new AndNode(new PresenceNode(HttpCookie), new NotNode(new PresenceNode(HttpReferer))),
            FilterExpression.Parse("http.cookie && !referer").Root);
    }

    [Theory]
    [InlineData("ttfb > 200ms", 200_000_000)]
    [InlineData("ttfb > 1.5s", 1_500_000_000)]
    [InlineData("ttfb > 10us", 10_000)]
    [InlineData("ttfb > 10µs", 10_000)]
    [InlineData("ttfb > 250ns", 250)]
    [InlineData("ttfb > 2min", 120_000_000_000)]
    [InlineData("size > 1MB", 1_000_000)]
    [InlineData("size > 512KB", 512_000)]
    [InlineData("size > 2KiB", 2048)]
    [InlineData("size > 1.5MiB", 1_572_864)]
    [InlineData("size > 1500", 1500)]
    [InlineData("size > 3gb", 3_000_000_000)]
    [InlineData("time >= 2024-05-01T10:00:00Z", 1_714_557_600_000_000_000)]
    [InlineData("time >= 2024-05-01T12:00:00+02:00", 1_714_557_600_000_000_000)]
    [InlineData("time >= \"2024-05-01 10:00:00\"", 1_714_557_600_000_000_000)]
    [InlineData("time >= 1714557600.5", 1_714_557_600_500_000_000)]
    public void Numbers_with_units_become_the_fields_base_unit(string text, long expected)
    {
        var comparison = Assert.IsType<ComparisonNode>(FilterExpression.Parse(text).Root);
        Assert.Equal(expected, Assert.IsType<IntegerValue>(comparison.Value).Value);
    }

    [Fact]
    public void A_number_looking_value_of_a_text_field_stays_text()
    {
        var comparison = Assert.IsType<ComparisonNode>(FilterExpression.Parse("client.ip == 10.0.0.1").Root);
        Assert.Equal(new TextValue("10.0.0.1"), comparison.Value);
    }

    [Fact]
    public void Aliases_resolve_to_the_canonical_field()
    {
        Assert.Equal("http.host == a && http.ttfb > 1ms && http.size < 1KB && mail.subject ~ x && anomaly.kind == k",
            FilterExpression.Parse("HOST = a and ttfb > 1ms and size < 1KB and subject ~ x and kind == k").ToString());
    }

    [Fact]
    public void Escapes_inside_strings_and_regexes_are_undone_once()
    {
        var text = Assert.IsType<ComparisonNode>(FilterExpression.Parse("subject == \"say \\\"hi\\\" \\\\ bye\"").Root);
        Assert.Equal(new TextValue("say \"hi\" \\ bye"), text.Value);
        var regex = Assert.IsType<ComparisonNode>(FilterExpression.Parse(@"uri ~ /^\/api\/v\d+/").Root);
        Assert.Equal(new RegexValue(@"^/api/v\d+"), regex.Value);
    }

    [Theory]
    [InlineData("", 1, "the filter is empty")]
    [InlineData("   ", 1, "the filter is empty")]
    [InlineData("hots == x", 1, "unknown field 'hots' (did you mean 'http.host'?)")]
    [InlineData("status == 200 && bogus", 18, "unknown field 'bogus'")]
    [InlineData("status ==", 10, "expected a value after '=='")]
    [InlineData("status 200", 8, "expected an operator")]
    [InlineData("status == 20x", 11, "http.status is a number; '20x' is not a number")]
    [InlineData("status == 2.5", 11, "takes a whole number")]
    [InlineData("status == 200ms", 11, "plain number; remove the unit 'ms'")]
    [InlineData("ttfb > 200", 8, "http.ttfb is a duration: give a unit, e.g. 200ms")]
    [InlineData("ttfb > 200mb", 8, "'mb' is not a time unit")]
    [InlineData("size > 2furlongs", 8, "'furlongs' is not a size unit")]
    [InlineData("status ~ 200", 8, "'~' compares text; http.status is a number")]
    [InlineData("host == /x/", 9, "a regular expression needs '~' or 'matches'")]
    [InlineData("host ~ /a(/", 8, "bad regular expression")]
    [InlineData("host ~ \"abc", 8, "string starting here has no closing \"")]
    [InlineData("(host ~ a", 10, "missing ')'")]
    [InlineData("host ~ a)", 9, "')' without a matching '('")]
    [InlineData("host ~ a b", 10, "expected && or || before 'b'")]
    [InlineData("host ~ a & b", 10, "'&' alone is not an operator")]
    [InlineData("host ~ a &&", 12, "the filter ends where a field was expected")]
    [InlineData("host ~ a && == 3", 13, "expected a field name, not '=='")]
    [InlineData("host $ a", 6, "unexpected character '$'")]
    [InlineData("ts > yesterday", 6, "time is a time: write 2024-05-01T10:00:00Z")]
    public void Errors_name_the_column_and_the_problem(string text, int column, string reason)
    {
        var error = Assert.Throws<FilterSyntaxException>(() => FilterExpression.Parse(text));
        Assert.Equal(column, error.Column);
        Assert.Contains(reason, error.Reason);
        Assert.StartsWith($"column {column}: ", error.Message);
    }

    [Fact]
    public void TryParse_reports_instead_of_throwing()
    {
        Assert.False(FilterExpression.TryParse("status >", out Filter? none, out FilterSyntaxException? error));
        Assert.Null(none);
        Assert.Equal(9, error!.Column);
        Assert.True(FilterExpression.TryParse("status > 399", out Filter? filter, out _));
        Assert.Equal([HttpStatus], filter!.Fields);
    }

    [Fact]
    public void Every_field_name_and_alias_is_unique_and_found_case_insensitively()
    {
        foreach (FieldDefinition field in All)
        {
            foreach (string name in field.Aliases.Prepend(field.Name))
                Assert.Same(field, Find(name.ToUpperInvariant()));
        }
    }
}
