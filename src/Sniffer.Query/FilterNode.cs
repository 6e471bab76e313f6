namespace Sniffer.Query;

/// <summary>A parsed filter: the tree and its canonical text (which parses back to the same tree).</summary>
public sealed record Filter(FilterNode Root)
{
    /// <summary>Every field the filter names, each once, in order of appearance.</summary>
    public IReadOnlyList<FieldDefinition> Fields => Root.Fields().Distinct().ToList();

    public override string ToString() => FilterPrinter.Print(Root);
}

public enum ComparisonOperator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,

    /// <summary><c>~</c>: a case-insensitive substring, or a regular expression when the value is <c>/…/</c>.</summary>
    Matches,
}

/// <summary>A node of the filter tree. Records, so two parses of the same text compare equal.</summary>
public abstract record FilterNode
{
    internal abstract IEnumerable<FieldDefinition> Fields();

    public sealed override string ToString() => FilterPrinter.Print(this);
}

public sealed record AndNode(FilterNode Left, FilterNode Right) : FilterNode
{
    internal override IEnumerable<FieldDefinition> Fields() => Left.Fields().Concat(Right.Fields());
}

public sealed record OrNode(FilterNode Left, FilterNode Right) : FilterNode
{
    internal override IEnumerable<FieldDefinition> Fields() => Left.Fields().Concat(Right.Fields());
}

public sealed record NotNode(FilterNode Operand) : FilterNode
{
    internal override IEnumerable<FieldDefinition> Fields() => Operand.Fields();
}

/// <summary>A field alone: true when the record has a value for it (Wireshark's <c>http.cookie</c>).</summary>
public sealed record PresenceNode(FieldDefinition Field) : FilterNode
{
    internal override IEnumerable<FieldDefinition> Fields() => [Field];
}

/// <summary>
/// <c>field op value</c>. The value was checked against the field's type when parsing: a text field holds a
/// <see cref="TextValue"/> or (with <c>~</c>) a <see cref="RegexValue"/>; numeric fields hold an <see cref="IntegerValue"/> in
/// their base unit. A comparison on a field the record does not have is false.
/// </summary>
public sealed record ComparisonNode(FieldDefinition Field, ComparisonOperator Operator, FilterValue Value) : FilterNode
{
    internal override IEnumerable<FieldDefinition> Fields() => [Field];
}

public abstract record FilterValue;

public sealed record TextValue(string Text) : FilterValue;

/// <summary>A .NET regular expression, matched case-insensitively anywhere in the value (anchor it with ^ and $).</summary>
public sealed record RegexValue(string Pattern) : FilterValue;

/// <summary>
/// A number in the field's base unit — bytes for sizes, nanoseconds for durations, Unix nanoseconds for times —
/// and the literal as written (<c>1.5s</c>, <c>2KiB</c>, <c>2024-05-01T10:00:00Z</c>), which is how it prints.
/// </summary>
public sealed record IntegerValue(long Value, string Text) : FilterValue;
