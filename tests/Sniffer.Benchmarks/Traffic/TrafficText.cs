using System.Text;
using Sniffer.Core.Flows;

namespace Sniffer.Benchmarks.Traffic;

/// <summary>Helpers the synthesised conversations share.</summary>
public static class TrafficText
{
    public static (Direction Direction, byte[] Bytes) Client(string text) => (Direction.ClientToServer, Encoding.ASCII.GetBytes(text));

    public static (Direction Direction, byte[] Bytes) Server(string text) => (Direction.ServerToClient, Encoding.ASCII.GetBytes(text));

    /// <summary><paramref name="unit"/> repeated until the text is exactly <paramref name="length"/> characters.</summary>
    public static string Repeat(string unit, int length)
    {
        var text = new StringBuilder(length + unit.Length);
        while (text.Length < length) text.Append(unit);
        return text.ToString(0, length);
    }

    /// <summary><paramref name="line"/> (with its CRLF) <paramref name="count"/> times: whole lines, for MIME and IMAP text.</summary>
    public static string Lines(string line, int count) => string.Concat(Enumerable.Repeat(line + "\r\n", count));
}
