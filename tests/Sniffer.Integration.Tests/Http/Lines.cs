namespace Sniffer.Integration.Tests.Http;

internal static class Lines
{
    /// <summary>Equal line lists, or a failure showing both in full (xUnit elides long collection items).</summary>
    public static void AssertEqual(IReadOnlyList<string> expected, IReadOnlyList<string> actual, string? context = null)
    {
        if (expected.SequenceEqual(actual)) return;
        Assert.Fail($"expected:\n  {string.Join("\n  ", expected)}\nactual:\n  {string.Join("\n  ", actual)}" + (context is null ? "" : "\n" + context));
    }
}
