using System.Text;
using Sniffer.TestSupport.Synthesis;

namespace Sniffer.Cli.Tests.Captures;

/// <summary>
/// How each synthesised capture in <c>captures/tcp/</c> is made. The files are committed so users and other
/// tools can open them; <see cref="SynthesisedCaptureTests"/> rebuilds each from its recipe and requires the
/// committed bytes to match, so a capture can never drift from what its catalogue entry says it proves.
/// </summary>
public sealed record CaptureRecipe(string Name, int Snaplen, Func<IReadOnlyList<SyntheticFrame>> Build)
{
    public override string ToString() => Name;
}

public static class CaptureRecipes
{
    public const string Client = "192.0.2.10:51000";
    public const string Server = "198.51.100.20:80";

    public static readonly string Request1 = "GET /index.html HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: sniffer-synth\r\n\r\n";
    public static readonly string Request2 = "GET /logo.png HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: sniffer-synth\r\n\r\n";
    public static readonly string Request3 = "GET /index.html HTTP/1.1\r\nHost: www.example.com\r\nIf-None-Match: \"v1\"\r\nUser-Agent: sniffer-synth\r\n\r\n";

    public static string Response(int bodyLength, string etag = "\"v1\"") =>
        $"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nETag: {etag}\r\nContent-Length: {bodyLength}\r\n\r\n" + Body(bodyLength);

    public const string NotModified = "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n";

    /// <summary>A deterministic, line-structured body, so a misplaced byte shows up in a diff.</summary>
    public static string Body(int length)
    {
        var builder = new StringBuilder(length);
        for (int line = 0; builder.Length < length; line++) builder.Append($"line {line:D5} of the synthesised body\n");
        return builder.ToString(0, length);
    }

    public static IReadOnlyList<CaptureRecipe> All { get; } =
    [
        new("tcp/http-keepalive.pcap", 262_144, () => KeepAlive().Frames),
        new("tcp/out-of-order.pcap", 262_144, () => Swap(KeepAlive().Frames, FirstServerData(KeepAlive().Frames, 1), FirstServerData(KeepAlive().Frames, 2))),
        new("tcp/retransmission.pcap", 262_144, () => Duplicate(KeepAlive().Frames, FirstServerData(KeepAlive().Frames, 2))),
        new("tcp/overlap-conflict.pcap", 262_144, OverlapConflict),
        new("tcp/seq-wraparound.pcap", 262_144, () => KeepAlive(clientIsn: 0xFFFF_FF00, serverIsn: 0xFFFF_FFF0).Frames),
        new("tcp/mid-stream.pcap", 262_144, () => KeepAlive().Frames.Skip(3).ToList()),
        new("tcp/rst-mid-transfer.pcap", 262_144, RstMidTransfer),
        new("tcp/port-reuse.pcap", 262_144, PortReuse),
        new("tcp/snaplen-truncated.pcap", 96, () => KeepAlive().Frames),
        new("tcp/ipv6.pcap", 262_144, () => KeepAlive("[2001:db8::10]:51000", "[2001:db8::20]:80").Frames),
        new("tcp/vlan.pcap", 262_144, () => KeepAlive(vlanId: 42).Frames),
    ];

    /// <summary>Three requests on one persistent connection: a 200 with a validator, a second object, then a revalidation answered 304.</summary>
    public static TcpConversation KeepAlive(string client = Client, string server = Server, uint clientIsn = 1000, uint serverIsn = 5000, ushort vlanId = 0) =>
        new TcpConversation(client, server, clientIsn, serverIsn, vlanId: vlanId)
            .Handshake()
            .ClientSends(Request1).ServerSends(Response(4000))
            .ClientSends(Request2).ServerSends(Response(2500, "\"logo\""))
            .ClientSends(Request3).ServerSends(NotModified)
            .Close();

    /// <summary>The client stream the keep-alive conversation carries, byte for byte.</summary>
    public static string KeepAliveClientStream => Request1 + Request2 + Request3;

    public static string KeepAliveServerStream => Response(4000) + Response(2500, "\"logo\"") + NotModified;

    private static List<SyntheticFrame> OverlapConflict()
    {
        // The response's second segment arrives first and is buffered; a second copy of its first 100 bytes with
        // other content follows; then the first segment fills the hole. The buffered (first) copy must win.
        var conversation = new TcpConversation(Client, Server).Handshake().ClientSends(Request1);
        uint start = conversation.ServerNextSequence;
        conversation.ServerSends(Response(2000));
        conversation.RawSegment(fromClient: false, start + (uint)conversation.MaximumSegmentSize, Encoding.ASCII.GetBytes(new string('X', 100)));
        var frames = conversation.Close().Frames.ToList();
        int first = FirstServerData(frames, 1), second = FirstServerData(frames, 2), conflicting = FirstServerData(frames, 3);
        var arranged = frames.Take(first).Append(frames[second]).Append(frames[conflicting]).Append(frames[first])
            .Concat(frames.Where((_, i) => i > second && i != conflicting)).ToList();
        return Restamp(arranged);
    }

    private static List<SyntheticFrame> RstMidTransfer()
    {
        var conversation = new TcpConversation(Client, Server).Handshake().ClientSends(Request1);
        string response = Response(4000);
        conversation.ServerSends(response[..2000], acknowledge: false);
        return conversation.Reset(fromClient: true).Frames.ToList();
    }

    private static List<SyntheticFrame> PortReuse()
    {
        var first = KeepAlive().Frames;
        var second = new TcpConversation(Client, Server, clientIsn: 900_000, serverIsn: 700_000, startNs: first[^1].TimestampNs + 2_000_000_000)
            .Handshake().ClientSends(Request2).ServerSends(Response(2500, "\"logo\"")).Close().Frames;
        return [.. first, .. second];
    }

    /// <summary>Index of the <paramref name="nth"/> (1-based) server frame carrying data.</summary>
    public static int FirstServerData(IReadOnlyList<SyntheticFrame> frames, int nth)
    {
        int seen = 0;
        for (int i = 0; i < frames.Count; i++)
        {
            if (!frames[i].FromClient && frames[i].Payload.Length > 0 && ++seen == nth) return i;
        }
        throw new ArgumentOutOfRangeException(nameof(nth));
    }

    /// <summary>Swaps two frames' positions but keeps timestamps increasing, as a reordering on the path looks in a capture.</summary>
    private static List<SyntheticFrame> Swap(IReadOnlyList<SyntheticFrame> frames, int a, int b)
    {
        var list = frames.ToList();
        (list[a], list[b]) = (list[b] with { TimestampNs = list[a].TimestampNs }, list[a] with { TimestampNs = list[b].TimestampNs });
        return list;
    }

    /// <summary>Gives rearranged frames increasing capture times again, one step apart from the first frame's.</summary>
    private static List<SyntheticFrame> Restamp(List<SyntheticFrame> frames) =>
        frames.Select((frame, i) => frame with { TimestampNs = frames[0].TimestampNs + i * 100_000L }).ToList();

    private static List<SyntheticFrame> Duplicate(IReadOnlyList<SyntheticFrame> frames, int index)
    {
        var list = frames.ToList();
        list.Insert(index + 1, list[index] with { TimestampNs = list[index].TimestampNs + 50_000 });
        return list;
    }
}
