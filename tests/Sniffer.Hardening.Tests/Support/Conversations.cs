using System.Buffers.Binary;
using System.Text;
using Sniffer.TestSupport.Synthesis;

namespace Sniffer.Hardening.Tests.Support;

/// <summary>The traffic of the limit tests: hostile conversations and the ordinary one that must survive after them.</summary>
public static class Conversations
{
    public const string NormalHost = "normal.test";
    public const int NormalRequests = 3;
    private const long Second = 1_000_000_000;

    /// <summary>An ordinary keep-alive HTTP exchange of <see cref="NormalRequests"/> GETs, starting after the hostile traffic.</summary>
    public static TcpConversation NormalHttp(long startNs = 1_700_000_100 * Second)
    {
        var conversation = new TcpConversation("10.0.0.9:50000", "10.0.0.80:80", startNs: startNs).Handshake();
        for (int i = 0; i < NormalRequests; i++)
        {
            conversation.ClientSends($"GET /page/{i} HTTP/1.1\r\nHost: {NormalHost}\r\n\r\n");
            conversation.ServerSends($"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello");
        }
        return conversation.Close();
    }

    /// <summary>One HTTP exchange on its own connection, sent as given (bytes may break any rule).</summary>
    public static TcpConversation Http(byte[] request, byte[] response, int clientPort = 40000, bool close = true)
    {
        var conversation = new TcpConversation($"10.0.0.1:{clientPort}", "10.0.0.2:80").Handshake()
            .ClientSends(request).ServerSends(response);
        return close ? conversation.Close() : conversation;
    }

    public static TcpConversation Http(string request, string response, int clientPort = 40000) =>
        Http(Encoding.Latin1.GetBytes(request), Encoding.Latin1.GetBytes(response), clientPort);

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>
    /// The first fragment (offset 0, More Fragments set) of an IPv4 datagram cut from a frame of <paramref name="conversation"/>,
    /// with its own identification: a datagram that never completes (RFC 791 §3.2).
    /// </summary>
    public static byte[] FirstFragmentOnly(SyntheticFrame frame, ushort identification)
    {
        const int ethernetHeader = 14, ipHeader = 20, fragmentPayload = 24;
        byte[] fragment = frame.Bytes[..(ethernetHeader + ipHeader + fragmentPayload)];
        Span<byte> ip = fragment.AsSpan(ethernetHeader, ipHeader);
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], ipHeader + fragmentPayload);
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], identification);
        BinaryPrimitives.WriteUInt16BigEndian(ip[6..], 0x2000); // MF set, offset 0
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], InternetChecksum.Compute(ip));
        return fragment;
    }
}
