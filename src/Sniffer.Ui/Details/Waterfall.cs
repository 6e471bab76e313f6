namespace Sniffer.Ui.Details;

/// <summary>
/// An HTTP exchange's phases as bars on one time axis, starting at the connection's first packet: the TCP
/// handshake, sending the request, waiting for the first response byte, receiving the rest.
/// </summary>
internal static class Waterfall
{
    private const int Width = 48;

    public readonly record struct Phase(string Name, long? StartNs, long? EndNs, char Block);

    public static IEnumerable<string> Lines(long originNs, IReadOnlyList<Phase> phases)
    {
        long endNs = phases.Where(p => p.EndNs is not null).Select(p => p.EndNs!.Value).DefaultIfEmpty(originNs).Max();
        double scale = Math.Max(1, endNs - originNs) / (double)Width;
        foreach (Phase phase in phases)
        {
            if (phase.StartNs is not { } start || phase.EndNs is not { } end || end < start) continue;
            int from = Math.Clamp((int)((start - originNs) / scale), 0, Width - 1);
            int length = Math.Clamp((int)Math.Round((end - start) / scale), 1, Width - from);
            string bar = new string(' ', from) + new string(phase.Block, length) + new string(' ', Width - from - length);
            yield return $"{phase.Name,-8} {bar} {Display.Duration(end - start),9}  at +{Display.Duration(start - originNs)}";
        }
    }
}
