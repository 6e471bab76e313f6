namespace Sniffer.Reports.Store;

/// <summary>The <c>kind</c> of a document in the <c>summaries</c> collection (SCHEMA.md).</summary>
public static class SummaryKinds
{
    public const string Timing = "timing";
    public const string ConditionalGet = "conditional_get";
}
