using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Sniffer.TestSupport.CaptureFiles;
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

    /// <summary>An IMAP session whose server announces a FETCH literal of <paramref name="literalLength"/> bytes and sends <paramref name="sentLength"/>.</summary>
    public static TcpConversation Imap(long literalLength, int sentLength, bool close = true)
    {
        var conversation = new TcpConversation("10.0.0.1:41000", "10.0.0.2:143").Handshake()
            .ServerSends("* OK IMAP4rev1 ready\r\n")
            .ClientSends("a1 LOGIN user secret\r\n").ServerSends("a1 OK done\r\n")
            .ClientSends("a2 SELECT INBOX\r\n").ServerSends("* 1 EXISTS\r\na2 OK [READ-WRITE] done\r\n")
            .ClientSends("a3 FETCH 1 BODY[]\r\n")
            .ServerSends($"* 1 FETCH (BODY[] {{{literalLength}}}\r\n")
            .ServerSends(Enumerable.Repeat((byte)'m', sentLength).ToArray());
        if (sentLength == literalLength) conversation.ServerSends(")\r\na3 OK done\r\n");
        return close ? conversation.Close() : conversation;
    }

    /// <summary>An SMTP session that submits one message of <paramref name="bodyLines"/> 78-byte lines (RFC 5321 §4.1.1.4).</summary>
    public static TcpConversation Smtp(int bodyLines)
    {
        string body = string.Concat(Enumerable.Repeat(new string('s', 76) + "\r\n", bodyLines));
        return new TcpConversation("10.0.0.1:42000", "10.0.0.2:25").Handshake()
            .ServerSends("220 mx.test ESMTP\r\n")
            .ClientSends("EHLO client.test\r\n").ServerSends("250 mx.test\r\n")
            .ClientSends("MAIL FROM:<alice@client.test>\r\n").ServerSends("250 OK\r\n")
            .ClientSends("RCPT TO:<bob@mx.test>\r\n").ServerSends("250 OK\r\n")
            .ClientSends("DATA\r\n").ServerSends("354 go ahead\r\n")
            .ClientSends($"From: alice@client.test\r\nTo: bob@mx.test\r\nSubject: large\r\n\r\n{body}.\r\n").ServerSends("250 queued\r\n")
            .ClientSends("QUIT\r\n").ServerSends("221 bye\r\n")
            .Close();
    }

    /// <summary>A client connection that loses its first data byte, then sends <paramref name="bytes"/> behind the hole.</summary>
    public static TcpConversation HoleThenData(int clientPort, int bytes)
    {
        var conversation = new TcpConversation($"10.0.0.1:{clientPort}", "10.0.0.2:80").Handshake();
        uint next = conversation.ClientNextSequence + 1;
        for (int sent = 0; sent < bytes; sent += 1000)
        {
            conversation.RawSegment(fromClient: true, next, Enumerable.Repeat((byte)'h', 1000).ToArray());
            next += 1000;
        }
        return conversation;
    }

    /// <summary>Lone SYNs from <paramref name="count"/> clients: flows that never complete a handshake.</summary>
    public static TcpConversation[] SynFlood(int count) => Enumerable.Range(0, count)
        .Select(i => new TcpConversation($"10.0.1.{i + 1}:{40000 + i}", "10.0.0.2:80", startNs: 1_700_000_000_000_000_000 + i * 1_000_000L)
            .RawSegment(fromClient: true, 1000, [], flags: 0x02))
        .ToArray();

    /// <summary>
    /// A capture of <paramref name="datagrams"/> first fragments that never complete (each 24 payload bytes, its own
    /// identification), then <see cref="NormalHttp"/>.
    /// </summary>
    public static byte[] UnfinishedFragmentsThenNormalHttp(int datagrams)
    {
        TcpConversation source = Http("GET /f HTTP/1.1\r\nHost: x\r\n\r\n" + new string('p', 200), "HTTP/1.1 204 No Content\r\n\r\n");
        SyntheticFrame dataFrame = source.Frames.First(f => f.Payload.Length > 0);
        var builder = new PcapFileBuilder();
        for (int id = 1; id <= datagrams; id++) builder.AddPacket(FirstFragmentOnly(dataFrame, (ushort)id), 1_700_000_000, (uint)id);
        byte[] normal = CaptureAnalysis.Pcap(NormalHttp(1_700_000_001L * 1_000_000_000));
        builder.AddBytes(normal.AsSpan(PcapFileBuilder.FileHeaderLength));
        return builder.ToArray();
    }

    /// <summary>An HTTP exchange for <paramref name="target"/> whose response body is <paramref name="compressed"/>, labelled gzip.</summary>
    public static TcpConversation GzipResponse(string target, byte[] compressed) =>
        Http(Ascii($"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n"),
            Concat(Ascii($"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {compressed.Length}\r\n\r\n"), compressed));

    public static byte[] Gzip(byte[] data)
    {
        var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true)) gzip.Write(data);
        return compressed.ToArray();
    }
}
