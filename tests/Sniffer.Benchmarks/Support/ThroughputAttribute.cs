using System.Globalization;
using System.Reflection;

namespace Sniffer.Benchmarks.Support;

/// <summary>
/// Says how much work one call of a benchmark method does, so <see cref="ThroughputColumn"/> can turn the mean time
/// into a rate. The amount is read from a public static property of the benchmark class, named by
/// <paramref name="amountProperty"/>, built from the same deterministic input as the benchmark's own setup.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public abstract class ThroughputAttribute(string amountProperty) : Attribute
{
    public string AmountProperty { get; } = amountProperty;

    public long AmountPerOperation(Type benchmarkType)
    {
        PropertyInfo property = benchmarkType.GetProperty(AmountProperty, BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{benchmarkType.Name} has no public static property {AmountProperty}");
        return Convert.ToInt64(property.GetValue(null), CultureInfo.InvariantCulture);
    }

    /// <summary>The rate for <paramref name="amount"/> done in <paramref name="seconds"/>.</summary>
    public abstract string Format(long amount, double seconds);
}

/// <summary>Bytes per call; shown in MB/s (10^6 bytes).</summary>
public sealed class BytesPerOperationAttribute(string amountProperty) : ThroughputAttribute(amountProperty)
{
    public override string Format(long amount, double seconds) =>
        string.Create(CultureInfo.InvariantCulture, $"{amount / seconds / 1e6:N1} MB/s");
}

/// <summary>Items (packets, transactions, lines) per call; shown as items per second.</summary>
public sealed class ItemsPerOperationAttribute(string amountProperty, string itemName) : ThroughputAttribute(amountProperty)
{
    public string ItemName { get; } = itemName;

    public override string Format(long amount, double seconds) =>
        string.Create(CultureInfo.InvariantCulture, $"{amount / seconds:N0} {ItemName}/s");
}
