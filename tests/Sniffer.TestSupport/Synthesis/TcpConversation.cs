using System.Buffers.Binary;
using System.Net;

namespace Sniffer.TestSupport.Synthesis;

/// <summary>
/// Builds the frames of one TCP connection byte-exactly (Ethernet, optional 802.1Q tag, IPv4 or IPv6, TCP with
/// correct checksums), the way a capture on the path would record them. Tests and the synthesised captures in
/// <c>captures/</c> reorder, duplicate, drop and truncate the result to stage each reassembly problem.
/// </summary>
public sealed class TcpConversation
{
    private const byte Fin = 0x01, Syn = 0x02, Rst = 0x04, Psh = 0x08, Ack = 0x10;

    private readonly IPEndPoint _client;
    private readonly IPEndPoint _server;
    private readonly ushort _vlanId;
    private readonly List<SyntheticFrame> _frames = [];
    private uint _clientNext;
    private uint _serverNext;
    private ushort _ipId = 1;

    public TcpConversation(string client, string server, uint clientIsn = 1000, uint serverIsn = 5000, long startNs = 1_700_000_000_000_000_000, ushort vlanId = 0)
    {
        _client = IPEndPoint.Parse(client);
        _server = IPEndPoint.Parse(server);
        if (_client.AddressFamily != _server.AddressFamily) throw new ArgumentException("client and server must share an address family");
        _clientNext = clientIsn;
        _serverNext = serverIsn;
        _vlanId = vlanId;
        NowNs = startNs;
    }

    /// <summary>Capture time given to the next frame.</summary>
    public long NowNs { get; set; }

    /// <summary>Time added after every frame unless a step says otherwise.</summary>
    public long StepNs { get; set; } = 100_000;

    /// <summary>Largest payload per segment when sending data.</summary>
    public int MaximumSegmentSize { get; set; } = 1460;

    public IReadOnlyList<SyntheticFrame> Frames => _frames;

    public uint ClientNextSequence => _clientNext;
    public uint ServerNextSequence => _serverNext;

    /// <summary>SYN, SYN-ACK, ACK, with the two legs of the handshake taking the given times.</summary>
    public TcpConversation Handshake(long synToSynAckNs = 1_000_000, long synAckToAckNs = 1_000_000)
    {
        Add(fromClient: true, Syn, [], advance: synToSynAckNs, options: MssOption());
        _clientNext++;
        Add(fromClient: false, Syn | Ack, [], advance: synAckToAckNs, options: MssOption());
        _serverNext++;
        Add(fromClient: true, Ack, []);
        return this;
    }

    /// <summary>The client sends <paramref name="data"/> in MSS-sized segments; the server ACKs the last one.</summary>
    public TcpConversation ClientSends(ReadOnlySpan<byte> data, bool acknowledge = true) => Send(true, data, acknowledge);

    public TcpConversation ServerSends(ReadOnlySpan<byte> data, bool acknowledge = true) => Send(false, data, acknowledge);

    public TcpConversation ClientSends(string text, bool acknowledge = true) => Send(true, System.Text.Encoding.ASCII.GetBytes(text), acknowledge);

    public TcpConversation ServerSends(string text, bool acknowledge = true) => Send(false, System.Text.Encoding.ASCII.GetBytes(text), acknowledge);

    /// <summary>A segment at an explicit sequence number, for overlaps and retransmissions with other content.</summary>
    public TcpConversation RawSegment(bool fromClient, uint sequence, ReadOnlySpan<byte> payload, byte flags = Psh | Ack)
    {
        AddAt(fromClient, sequence, flags, payload.ToArray());
        return this;
    }

    /// <summary>FIN from the client, FIN-ACK from the server, final ACK.</summary>
    public TcpConversation Close()
    {
        Add(fromClient: true, Fin | Ack, []);
        _clientNext++;
        Add(fromClient: false, Fin | Ack, []);
        _serverNext++;
        Add(fromClient: true, Ack, []);
        return this;
    }

    public TcpConversation Reset(bool fromClient)
    {
        Add(fromClient, Rst | Ack, []);
        return this;
    }

    private TcpConversation Send(bool fromClient, ReadOnlySpan<byte> data, bool acknowledge)
    {
        for (int offset = 0; offset < data.Length; offset += MaximumSegmentSize)
        {
            byte[] chunk = data.Slice(offset, Math.Min(MaximumSegmentSize, data.Length - offset)).ToArray();
            Add(fromClient, Psh | Ack, chunk);
            if (fromClient) _clientNext += (uint)chunk.Length; else _serverNext += (uint)chunk.Length;
        }
        if (acknowledge) Add(!fromClient, Ack, []);
        return this;
    }

    private void Add(bool fromClient, int flags, byte[] payload, long? advance = null, byte[]? options = null) =>
        AddAt(fromClient, fromClient ? _clientNext : _serverNext, (byte)flags, payload, advance, options);

    private void AddAt(bool fromClient, uint sequence, byte flags, byte[] payload, long? advance = null, byte[]? options = null)
    {
        uint acknowledgment = (flags & Ack) != 0 ? (fromClient ? _serverNext : _clientNext) : 0;
        IPEndPoint source = fromClient ? _client : _server, destination = fromClient ? _server : _client;
        byte[] tcp = BuildTcp(source, destination, sequence, acknowledgment, flags, options ?? [], payload);
        byte[] frame = WrapInEthernet(source.Address, destination.Address, tcp);
        _frames.Add(new SyntheticFrame(frame, NowNs, fromClient, sequence, payload, flags));
        NowNs += advance ?? StepNs;
    }

    private static byte[] MssOption() => [2, 4, 0x05, 0xB4]; // MSS 1460 (RFC 9293 §3.2)

    private byte[] BuildTcp(IPEndPoint source, IPEndPoint destination, uint sequence, uint acknowledgment, byte flags, byte[] options, byte[] payload)
    {
        int headerLength = 20 + options.Length;
        var tcp = new byte[headerLength + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, (ushort)source.Port);
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(2), (ushort)destination.Port);
        BinaryPrimitives.WriteUInt32BigEndian(tcp.AsSpan(4), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(tcp.AsSpan(8), acknowledgment);
        tcp[12] = (byte)(headerLength / 4 << 4);
        tcp[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(14), 65535);
        options.CopyTo(tcp, 20);
        payload.CopyTo(tcp, headerLength);
        ushort checksum = InternetChecksum.OfTcp(source.Address, destination.Address, tcp);
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(16), checksum);
        return tcp;
    }

    private byte[] WrapInEthernet(IPAddress source, IPAddress destination, byte[] tcp)
    {
        byte[] ip = source.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            ? BuildIPv4(source, destination, tcp)
            : BuildIPv6(source, destination, tcp);
        int tagLength = _vlanId == 0 ? 0 : 4;
        var frame = new byte[14 + tagLength + ip.Length];
        // Locally administered MACs: 02:00:00:00:00:01 client side, :02 server side; direction does not matter to Sniffer.
        frame[0] = 0x02; frame[5] = 0x02;
        frame[6] = 0x02; frame[11] = 0x01;
        int etherTypeOffset = 12;
        if (_vlanId != 0)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x8100);
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(14), _vlanId);
            etherTypeOffset = 16;
        }
        ushort etherType = ip[0] >> 4 == 4 ? (ushort)0x0800 : (ushort)0x86DD;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(etherTypeOffset), etherType);
        ip.CopyTo(frame, etherTypeOffset + 2);
        return frame;
    }

    private byte[] BuildIPv4(IPAddress source, IPAddress destination, byte[] tcp)
    {
        var packet = new byte[20 + tcp.Length];
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), _ipId++);
        packet[6] = 0x40; // don't fragment
        packet[8] = 64;
        packet[9] = 6;
        source.TryWriteBytes(packet.AsSpan(12), out _);
        destination.TryWriteBytes(packet.AsSpan(16), out _);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(10), InternetChecksum.Compute(packet.AsSpan(0, 20)));
        tcp.CopyTo(packet, 20);
        return packet;
    }

    private static byte[] BuildIPv6(IPAddress source, IPAddress destination, byte[] tcp)
    {
        var packet = new byte[40 + tcp.Length];
        packet[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)tcp.Length);
        packet[6] = 6;
        packet[7] = 64;
        source.TryWriteBytes(packet.AsSpan(8), out _);
        destination.TryWriteBytes(packet.AsSpan(24), out _);
        tcp.CopyTo(packet, 40);
        return packet;
    }
}
