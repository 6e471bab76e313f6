namespace Sniffer.Query;

/// <summary>A filter that does not parse: what is wrong and where (<see cref="Column"/> counts from 1).</summary>
public sealed class FilterSyntaxException(string reason, int position)
    : FormatException($"column {position + 1}: {reason}")
{
    public string Reason { get; } = reason;

    /// <summary>The offset into the filter text (from 0) of the token at fault; its length when the text ended too soon.</summary>
    public int Position { get; } = position;

    public int Column => Position + 1;
}
