using Sniffer.TestSupport;
using Xunit;

namespace Sniffer.Query.Tests;

/// <summary>LANGUAGE.md is what users read: it must list every field with its aliases, and its examples must parse.</summary>
public sealed class LanguageDocumentTests
{
    private static readonly string Document = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "Sniffer.Query", "LANGUAGE.md"));

    [Fact]
    public void Every_field_has_a_row_naming_its_aliases()
    {
        foreach (FieldDefinition field in FieldCatalogue.All)
        {
            string row = Document.Split('\n').SingleOrDefault(line => line.StartsWith($"| `{field.Name}` |", StringComparison.Ordinal))
                ?? throw new Xunit.Sdk.XunitException($"LANGUAGE.md has no row for {field.Name}");
            Assert.All(field.Aliases, alias => Assert.Contains($"`{alias}`", row));
        }
    }

    [Fact]
    public void The_examples_at_the_top_parse()
    {
        string block = Document.Split("```")[1];
        string[] examples = block.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(5, examples.Length);
        Assert.All(examples, example => Assert.Equal(FilterExpression.Parse(example).Root, FilterExpression.Parse(FilterExpression.Parse(example).ToString()).Root));
    }
}
