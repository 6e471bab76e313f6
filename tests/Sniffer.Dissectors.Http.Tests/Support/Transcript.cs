using System.Text;
using Sniffer.Core.Flows;

namespace Sniffer.Dissectors.Http.Tests.Support;

/// <summary>
/// A conversation written as text, MailKit-style: <c>C: </c> lines from the client, <c>S: </c> lines from
/// the server (each sent with CR LF), <c>= </c> lines for the expected summary, <c>#</c> for comments.
/// Consecutive lines of one direction are sent together, so the transcript's turns are the capture's order.
/// </summary>
internal sealed class Transcript
{
    private Transcript(IReadOnlyList<(Direction Direction, byte[] Bytes)> turns, IReadOnlyList<string> expected)
    {
        Turns = turns;
        Expected = expected;
    }

    public IReadOnlyList<(Direction Direction, byte[] Bytes)> Turns { get; }

    public IReadOnlyList<string> Expected { get; }

    public static Transcript Load(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Resources", "transcripts", name);
        var turns = new List<(Direction, byte[])>();
        var expected = new List<string>();
        var current = new StringBuilder();
        Direction? direction = null;
        foreach (string raw in File.ReadAllLines(path))
        {
            string line = raw.TrimEnd('\r');
            if (line.StartsWith('#') || line.Length == 0) continue;
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
            current.Append(line.Length > 3 ? line[3..] : "").Append("\r\n");
        }
        Flush();
        return new Transcript(turns, expected);

        void Flush()
        {
            if (direction is { } d && current.Length > 0) turns.Add((d, Encoding.UTF8.GetBytes(current.ToString())));
            current.Clear();
        }
    }

    public ConversationDriver Play(int chunkSize)
    {
        var driver = new ConversationDriver(chunkSize);
        long timeNs = 1_000_000;
        foreach (var (direction, bytes) in Turns)
        {
            driver.At(timeNs += 1_000_000).Send(direction, bytes);
        }
        return driver.EndBoth();
    }
}
