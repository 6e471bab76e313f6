using LiteDB;
using Sniffer.Reports.Store;

namespace Sniffer.Ui.Details;

/// <summary>
/// An HTTP exchange's phases as bars on one time axis, starting at the connection's first packet: the TCP
/// handshake, sending the request, waiting for the first response byte, receiving the rest. A page draws each of
/// its exchanges as one such row on the page's axis.
/// </summary>
internal static class Waterfall
{
    public const int Width = 48;

    public readonly record struct Phase(string Name, long? StartNs, long? EndNs, char Block)
    {
        public bool IsMeasured => StartNs is not null && EndNs is not null && EndNs >= StartNs;
    }

    /// <summary>
    /// The phases of a stored exchange (connect, send, wait, receive), with its connection's flows document when
    /// known. The handshake is only this exchange's cost on the connection's first request; later ones reuse it.
    /// </summary>
    public static Phase[] PhasesOf(BsonDocument exchange, BsonDocument? flow)
    {
        long? requestEnd = exchange.Number("timings.request_end_ns");
        long? responseStart = exchange.Number("timings.response_start_ns");
        bool first = exchange.Number("index") == 1;
        long? connectStart = first ? flow?.Number("first_ns") : null;
        long? handshake = flow?.Number("handshake_rtt_ns");
        return
        [
            new("connect", connectStart, handshake is null ? null : connectStart + handshake, '▓'),
            new("send", exchange.Number("timings.request_start_ns"), requestEnd, '█'),
            new("wait", requestEnd, responseStart, '░'),
            new("receive", responseStart, exchange.Number("timings.response_end_ns"), '█'),
        ];
    }

    /// <summary>The end of the axis: the latest end of any measured phase.</summary>
    public static long EndOf(long originNs, IEnumerable<Phase> phases) =>
        phases.Where(p => p.IsMeasured).Select(p => p.EndNs!.Value).DefaultIfEmpty(originNs).Max();

    /// <summary>One line per measured phase: its bar, its duration and when it started.</summary>
    public static IEnumerable<string> Lines(long originNs, IReadOnlyList<Phase> phases)
    {
        long endNs = EndOf(originNs, phases);
        foreach (Phase phase in phases.Where(p => p.IsMeasured))
            yield return $"{phase.Name,-8} {Bar(originNs, endNs, [phase])} {Display.Duration(phase.EndNs - phase.StartNs),9}  at +{Display.Duration(phase.StartNs - originNs)}";
    }

    /// <summary>The measured phases painted on one row of <see cref="Width"/> cells, from <paramref name="originNs"/> to <paramref name="endNs"/>.</summary>
    public static string Bar(long originNs, long endNs, IEnumerable<Phase> phases)
    {
        double scale = Math.Max(1, endNs - originNs) / (double)Width;
        char[] row = new string(' ', Width).ToCharArray();
        foreach (Phase phase in phases.Where(p => p.IsMeasured))
        {
            int from = Math.Clamp((int)((phase.StartNs!.Value - originNs) / scale), 0, Width - 1);
            int length = Math.Clamp((int)Math.Round((phase.EndNs!.Value - phase.StartNs.Value) / scale), 1, Width - from);
            Array.Fill(row, phase.Block, from, length);
        }
        return new string(row);
    }
}
