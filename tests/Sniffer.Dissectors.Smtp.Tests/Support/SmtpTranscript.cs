using System.Globalization;
using System.Text;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;

namespace Sniffer.Dissectors.Smtp.Tests.Support;

/// <summary>
/// An SMTP dialogue written MailKit-style: <c>C: </c> lines from the client and <c>S: </c> lines from the server
/// (each sent with CR LF), <c>C! gap N</c> / <c>S! gap N</c> for N bytes the capture lost, <c>= </c> lines for the
/// expected summary (see <see cref="SmtpSummary"/>) and <c>#</c> comments. Consecutive lines of one direction
/// are sent together, one step a millisecond apart.
/// </summary>
internal sealed class SmtpTranscript
{
    private readonly List<Step> _steps;

    private SmtpTranscript(List<Step> steps, IReadOnlyList<string> expected)
    {
        _steps = steps;
        Expected = expected;
    }

    public IReadOnlyList<string> Expected { get; }

    public static SmtpTranscript Load(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Resources", "transcripts", name);
        var steps = new List<Step>();
        var expected = new List<string>();
        var current = new StringBuilder();
        Direction? direction = null;
        foreach (string raw in File.ReadAllLines(path))
        {
            string line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#')) continue;
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
            if (direction != lineDirection) Flush();
            direction = lineDirection;
            if (line[1] == '!')
            {
                Flush();
                steps.Add(new Step(lineDirection, [], long.Parse(line["C! gap ".Length..], CultureInfo.InvariantCulture)));
                continue;
            }
            current.Append(line.Length > 3 ? line[3..] : "").Append("\r\n");
        }
        Flush();
        return new SmtpTranscript(steps, expected);

        void Flush()
        {
            if (direction is { } d && current.Length > 0) steps.Add(new Step(d, Encoding.UTF8.GetBytes(current.ToString()), 0));
            current.Clear();
        }
    }

    public StreamDriver Play(int chunkSize, DissectorSettings? settings = null)
    {
        var driver = new StreamDriver(new SmtpDissectorFactory(), chunkSize, settings);
        long timeNs = 1_000_000_000;
        foreach (Step step in _steps)
        {
            driver.At(timeNs += 1_000_000);
            if (step.Gap > 0) driver.Gap(step.Direction, step.Gap);
            else driver.Send(step.Direction, step.Bytes);
        }
        return driver.End();
    }

    private sealed record Step(Direction Direction, byte[] Bytes, long Gap);
}
