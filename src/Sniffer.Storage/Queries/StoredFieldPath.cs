namespace Sniffer.Storage.Queries;

/// <summary>Where a filter field lives in one collection's documents, and so how a comparison on it is written.</summary>
internal abstract record StoredFieldPath
{
    /// <summary>
    /// A value at one path. Text values may be cut for their index (SCHEMA.md: the whole value is in <c>NAME_full</c>),
    /// so only equality goes through the index; everything else reads the whole value.
    /// </summary>
    public sealed record Scalar(string Name) : StoredFieldPath
    {
        public string Path => "$." + Name;

        public string WholeText => $"COALESCE($.{Name}_full, $.{Name})";
    }

    /// <summary>Several values (recipients, attachment names, cookie names): a comparison holds if it holds for one.</summary>
    public sealed record Elements(string Expression) : StoredFieldPath;

    /// <summary>A value computed from two stored ones, as a duration from two timestamps; absent when either is.</summary>
    public sealed record Computed(string Left, char Operator, string Right) : StoredFieldPath
    {
        public string Expression => $"($.{Left} {Operator} $.{Right})";
    }
}
