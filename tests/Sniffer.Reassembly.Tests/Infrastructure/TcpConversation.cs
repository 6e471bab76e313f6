using System.Net;
using Sniffer.Core.Flows;
using Sniffer.Decoding;

namespace Sniffer.Reassembly.Tests.Infrastructure;

/// <summary>
/// Plays one TCP connection into a reassembler: sequence numbers are given as stream offsets from each side's
/// initial sequence number, and capture time advances by <see cref="StepNs"/> per segment unless told otherwise.
/// </summary>
internal sealed class TcpConversation
{
    private readonly TcpReassembler _reassembler;

    public TcpConversation(TcpReassembler reassembler, string client, string server, uint clientIsn = 1000, uint serverIsn = 5000, ushort vlanId = 0)
    {
        _reassembler = reassembler;
        Client = NetworkEndpoint.FromIPEndPoint(IPEndPoint.Parse(client));
        Server = NetworkEndpoint.FromIPEndPoint(IPEndPoint.Parse(server));
        ClientIsn = clientIsn;
        ServerIsn = serverIsn;
        VlanId = vlanId;
    }

    public NetworkEndpoint Client { get; }
    public NetworkEndpoint Server { get; }
    public uint ClientIsn { get; set; }
    public uint ServerIsn { get; set; }
    public ushort VlanId { get; }

    public long NowNs { get; set; } = 1_700_000_000_000_000_000;
    public long StepNs { get; set; } = 1_000_000;

    /// <summary>Sequence number of stream offset <paramref name="offset"/> (0 = first byte after the SYN).</summary>
    public uint SeqOf(Direction direction, long offset) =>
        unchecked((direction == Direction.ClientToServer ? ClientIsn : ServerIsn) + 1 + (uint)offset);

    public void Handshake()
    {
        Syn();
        SynAck();
        Send(Direction.ClientToServer, 0, TcpFlags.Ack, default, ack: SeqOf(Direction.ServerToClient, 0));
    }

    public void Syn(ReadOnlySpan<byte> data = default, TcpOptions? options = null) =>
        Segment(Client, Server, ClientIsn, TcpFlags.Syn, data, 0, options: options);

    public void SynAck(TcpOptions? options = null) =>
        Segment(Server, Client, ServerIsn, TcpFlags.Syn | TcpFlags.Ack, default, SeqOf(Direction.ClientToServer, 0), options: options);

    /// <summary>Data (or flags) from one side at a stream offset; ACK carries <paramref name="ack"/> when given.</summary>
    public void Send(Direction direction, long offset, TcpFlags flags, ReadOnlySpan<byte> payload, uint? ack = null,
        int missingBytes = 0, ushort window = 65535, long? atNs = null)
    {
        (NetworkEndpoint source, NetworkEndpoint destination) = direction == Direction.ClientToServer ? (Client, Server) : (Server, Client);
        if (ack is not null) flags |= TcpFlags.Ack;
        Segment(source, destination, SeqOf(direction, offset), flags, payload, ack ?? 0, missingBytes, window, atNs);
    }

    public void Data(Direction direction, long offset, ReadOnlySpan<byte> payload, long? atNs = null) =>
        Send(direction, offset, TcpFlags.Psh, payload, atNs: atNs);

    /// <summary>An ACK from the side opposite <paramref name="dataDirection"/> covering its bytes before <paramref name="offset"/>.</summary>
    public void Ack(Direction dataDirection, long offset, long? atNs = null, ushort window = 65535) =>
        Send(dataDirection.Reverse(), 0, TcpFlags.None, default, ack: SeqOf(dataDirection, offset), window: window, atNs: atNs);

    public void Fin(Direction direction, long offset) => Send(direction, offset, TcpFlags.Fin, default);

    public void Rst(Direction direction, long offset) => Send(direction, offset, TcpFlags.Rst, default);

    public void Segment(NetworkEndpoint source, NetworkEndpoint destination, uint seq, TcpFlags flags, ReadOnlySpan<byte> payload,
        uint ack, int missingBytes = 0, ushort window = 65535, long? atNs = null, TcpOptions? options = null)
    {
        long time = atNs ?? (NowNs += StepNs);
        var segment = new TcpSegment(source, destination, VlanId, seq, ack, flags, window, options ?? TcpOptions.None, payload, missingBytes, time, 0);
        _reassembler.Process(segment);
    }
}
