using System.Globalization;
using System.Text.RegularExpressions;
using Sniffer.TestSupport;

namespace Sniffer.Integration.Tests.Tcp;

/// <summary>One line of tshark's <c>-z conv,tcp</c>: endpoint A, endpoint B, frames B→A ("&lt;-") and A→B ("-&gt;").</summary>
public sealed record TsharkConversation(string A, string B, int FramesToA, int FramesToB);

/// <summary>Reads tshark's view of TCP conversations: the committed <c>tcp-conv.txt</c>, and live runs when tshark is installed.</summary>
public static partial class TsharkConversations
{
    [GeneratedRegex(@"^(\S+)\s+<->\s+(\S+)\s+(\d+)\s+\d+\s+\S+\s+(\d+)\s+\d+\s+\S+")]
    private static partial Regex ConversationLine();

    public static IReadOnlyList<TsharkConversation> ReadConvTable(string path) =>
        File.ReadLines(path)
            .Select(line => ConversationLine().Match(line))
            .Where(match => match.Success)
            .Select(match => new TsharkConversation(
                match.Groups[1].Value, match.Groups[2].Value,
                int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture),
                int.Parse(match.Groups[4].Value, CultureInfo.InvariantCulture)))
            .ToList();

    public static bool TsharkAvailable { get; } = File.Exists("/usr/bin/tshark") || (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(':').Any(dir => File.Exists(Path.Combine(dir, "tshark")));

    /// <summary>
    /// TCP payload bytes per direction ("src -> dst" with tshark's endpoint spelling), summed over every segment.
    /// On captures without retransmissions this is exactly what reassembly must deliver.
    /// </summary>
    public static IReadOnlyDictionary<string, long> PayloadBytesByDirection(string capture)
    {
        string fields = ExternalProgram.Run("tshark",
            ["-r", capture, "-T", "fields", "-E", "separator=\t", "-e", "ip.src", "-e", "ipv6.src", "-e", "tcp.srcport", "-e", "ip.dst", "-e", "ipv6.dst", "-e", "tcp.dstport", "-e", "tcp.len", "-Y", "tcp"],
            TimeSpan.FromSeconds(60)).StandardOutput;
        var totals = new Dictionary<string, long>();
        foreach (string line in fields.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] cells = line.Split('\t');
            string source = $"{First(cells[0], cells[1])}:{cells[2]}", destination = $"{First(cells[3], cells[4])}:{cells[5]}";
            string key = $"{source} -> {destination}";
            totals[key] = totals.GetValueOrDefault(key) + long.Parse(cells[6], CultureInfo.InvariantCulture);
        }
        return totals;
    }

    private static string First(string a, string b) => a.Length > 0 ? a : b;
}
