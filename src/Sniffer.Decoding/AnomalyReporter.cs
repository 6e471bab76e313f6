using System.Runtime.InteropServices;
using Sniffer.Core.Dissection;
using Sniffer.Core.Records;

namespace Sniffer.Decoding;

/// <summary>
/// Emits the decoder's anomalies to the sink, at most <see cref="DecoderSettings.MaxAnomaliesPerKind"/>
/// per kind; the rest are only counted, so a stream of garbage cannot flood the store.
/// </summary>
internal sealed class AnomalyReporter(IRecordSink sink, int maxPerKind, DecoderCounters counters)
{
    private readonly Dictionary<string, int> _emittedByKind = new(StringComparer.Ordinal);

    public void Report(string kind, string source, long timeNs, long frameNumber, string reason)
    {
        ref int emitted = ref CollectionsMarshal.GetValueRefOrAddDefault(_emittedByKind, kind, out _);
        if (emitted >= maxPerKind)
        {
            counters.AnomaliesSuppressed++;
            return;
        }
        emitted++;
        sink.Emit(new Anomaly { Kind = kind, Source = source, TimeNs = timeNs, Detail = $"frame {frameNumber}: {reason}" });
    }
}
