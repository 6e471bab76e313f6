using System.Text;
using Sniffer.Core.Flows;

namespace Sniffer.TestSupport.Dissection;

/// <summary>
/// A conversation written as text, MailKit-style: <c>C: </c> lines from the client and <c>S: </c> lines from the server
/// (each sent with CR LF), <c>= </c> lines for the expected summary, <c>#</c> for comments. A line ending in
/// <c>{?}</c> (or <c>{?+}</c>, <c>~{?}</c>) announces a literal made of the <c>C| </c> / <c>S| </c> lines that follow,
/// each with its CR LF; the loader writes in its length, so transcripts never carry hand-counted sizes.
/// <c>C! gap N</c> / <c>S! gap N</c> stand for N bytes the capture lost. Consecutive lines of one direction are
/// sent together.
/// </summary>
public sealed class Transcript
{
    private Transcript(IReadOnlyList<(Direction Direction, byte[] Bytes)> turns, IReadOnlyList<long> gaps, IReadOnlyList<string> expected)
    {
        Turns = turns;
        _gaps = gaps;
        Expected = expected;
    }

    // Bytes lost before each turn's bytes: a gap line is a turn of its own with no bytes; others have 0.
    private readonly IReadOnlyList<long> _gaps;

    /// <summary>Each turn's direction and bytes, in capture order.</summary>
    public IReadOnlyList<(Direction Direction, byte[] Bytes)> Turns { get; }

    public IReadOnlyList<string> Expected { get; }

    /// <summary>Reads <c>Resources/transcripts/NAME</c> copied beside the test assembly.</summary>
    public static Transcript Load(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Resources", "transcripts", name);
        List<string> lines = File.ReadAllLines(path).Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var turns = new List<(Direction, byte[])>();
        var gaps = new List<long>();
        var expected = new List<string>();
        var current = new StringBuilder();
        Direction? direction = null;
        for (int i = 0; i < lines.Count; i++)
        {
            string line = lines[i];
            if (line.StartsWith("= ", StringComparison.Ordinal))
            {
                expected.Add(line[2..]);
                continue;
            }
            Direction lineDirection = line[0] switch
            {
                'C' => Direction.ClientToServer,
                'S' => Direction.ServerToClient,
                _ => throw new FormatException($"{name}: unexpected line '{line}'"),
            };
            if (direction is { } previous && previous != lineDirection) Flush();
            direction = lineDirection;
            if (line[1] == '!')
            {
                Flush();
                turns.Add((lineDirection, []));
                gaps.Add(long.Parse(line["C! gap ".Length..], System.Globalization.CultureInfo.InvariantCulture));
                continue;
            }
            string text = line.Length > 3 ? line[3..] : "";
            int marker = text.EndsWith("{?}", StringComparison.Ordinal) || text.EndsWith("{?+}", StringComparison.Ordinal)
                ? text.LastIndexOf("{?", StringComparison.Ordinal)
                : -1;
            if (marker >= 0) text = text[..(marker + 1)] + LiteralLength(lines, i) + text[(marker + 2)..];
            current.Append(text).Append("\r\n");
        }
        Flush();
        return new Transcript(turns, gaps, expected);

        void Flush()
        {
            if (direction is { } d && current.Length > 0)
            {
                turns.Add((d, Encoding.UTF8.GetBytes(current.ToString())));
                gaps.Add(0);
            }
            current.Clear();
        }
    }

    /// <summary>The bytes of the literal lines of the same direction after line <paramref name="at"/>; the other side may speak in between (a "+").</summary>
    private static int LiteralLength(List<string> lines, int at)
    {
        char side = lines[at][0];
        int length = 0;
        foreach (string line in lines.Skip(at + 1).Where(l => l[0] == side))
        {
            if (line.Length < 2 || line[1] != '|') break;
            length += (line.Length > 3 ? line.Length - 3 : 0) + 2;
        }
        return length;
    }

    /// <summary>Sends every turn, a millisecond apart, then ends both directions.</summary>
    public TDriver Play<TDriver>(TDriver driver) where TDriver : DissectorDriver<TDriver>
    {
        long timeNs = 1_000_000;
        for (int i = 0; i < Turns.Count; i++)
        {
            var (direction, bytes) = Turns[i];
            driver.At(timeNs += 1_000_000);
            if (_gaps[i] > 0) driver.Gap(direction, _gaps[i]);
            driver.Send(direction, bytes);
        }
        return driver.EndBoth();
    }
}
