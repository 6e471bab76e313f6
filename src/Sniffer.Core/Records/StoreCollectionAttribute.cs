namespace Sniffer.Core.Records;

/// <summary>
/// Names the store collection of a record type that has no hand-written mapping (analysis results, a plug-in's
/// records), so readers find it under a stable short name instead of the type's full name. Several types may share
/// a collection when each gives a distinct <see cref="Kind"/>, stored in the documents' <c>kind</c> field.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class StoreCollectionAttribute(string name) : Attribute
{
    public string Name { get; } = name;

    public string? Kind { get; init; }
}
