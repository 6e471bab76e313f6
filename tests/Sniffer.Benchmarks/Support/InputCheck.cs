using Sniffer.Core.Records;
using Sniffer.TestSupport;

namespace Sniffer.Benchmarks.Support;

/// <summary>
/// Checks once, in a benchmark's setup, that its input is the clean traffic it claims to be: a benchmark whose input
/// silently went down an error path would measure the wrong thing.
/// </summary>
public static class InputCheck
{
    /// <summary>Throws unless the records hold exactly <paramref name="expected"/> of type <typeparamref name="T"/> and no anomaly.</summary>
    public static void Expect<T>(ListSink sink, int expected, string input) where T : SnifferRecord
    {
        if (sink.Records.OfType<Anomaly>().FirstOrDefault() is { } anomaly)
        {
            throw new InvalidOperationException($"{input}: anomaly {anomaly.Kind}: {anomaly.Detail}");
        }
        int found = sink.Records.OfType<T>().Count();
        if (found != expected) throw new InvalidOperationException($"{input}: {found} {typeof(T).Name} records, expected {expected}");
    }
}
