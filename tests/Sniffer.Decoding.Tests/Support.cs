using Sniffer.Core.Dissection;
using Sniffer.Core.Packets;
using Sniffer.Core.Records;
using Sniffer.Decoding;

namespace Sniffer.Decoding.Tests;

internal sealed class RecordingSink : IRecordSink
{
    public List<Anomaly> Anomalies { get; } = [];

    public void Emit(SnifferRecord record) => Anomalies.Add((Anomaly)record);

    public IEnumerable<string> Kinds => Anomalies.Select(anomaly => anomaly.Kind);
}

/// <summary>A TCP segment copied out of the decoder's lent buffers, so tests can compare it as a value.</summary>
internal sealed record DecodedSegment(
    string Source, string Destination, ushort VlanId, uint Sequence, uint Acknowledgment, TcpFlags Flags,
    ushort Window, TcpOptions Options, byte[] Payload, int MissingPayloadBytes)
{
    public static DecodedSegment From(in TcpSegment segment) => new(
        segment.Source.ToString(), segment.Destination.ToString(), segment.VlanId, segment.SequenceNumber,
        segment.AcknowledgmentNumber, segment.Flags, segment.Window, segment.Options, segment.Payload.ToArray(),
        segment.MissingPayloadBytes);
}

/// <summary>A decoder with a recording sink, decoding byte arrays.</summary>
internal sealed class DecoderHarness
{
    public DecoderHarness(DecoderSettings? settings = null)
    {
        Decoder = new PacketDecoder(settings ?? DecoderSettings.Default, Sink);
    }

    public RecordingSink Sink { get; } = new();
    public PacketDecoder Decoder { get; }

    private long _frameNumber;

    public DecodeResult Decode(byte[] data, LinkType linkType, out DecodedSegment? segment, long timestampNs = 1_700_000_000_000_000_000, int? originalLength = null)
    {
        var frame = Packets.Frame(data, linkType, timestampNs, originalLength, ++_frameNumber);
        DecodeResult result = Decoder.Decode(frame, out TcpSegment tcp);
        segment = result == DecodeResult.Tcp ? DecodedSegment.From(tcp) : null;
        return result;
    }
}
