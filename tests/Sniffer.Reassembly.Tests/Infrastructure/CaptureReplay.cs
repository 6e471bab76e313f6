using Sniffer.Capture.Files;
using Sniffer.Core.Dissection;
using Sniffer.Core.Packets;
using Sniffer.Decoding;

namespace Sniffer.Reassembly.Tests.Infrastructure;

/// <summary>Feeds a capture file into a reassembler through the project's own reader and decoder.</summary>
internal static class CaptureReplay
{
    public static void Run(string path, TcpReassembler reassembler, IRecordSink sink)
    {
        var decoder = new PacketDecoder(DecoderSettings.Default, sink);
        using CaptureFileReader reader = CaptureFileReader.Open(path);
        long lastNs = 0;
        while (reader.TryReadNext(out CaptureFrame frame))
        {
            lastNs = frame.TimestampNs;
            if (decoder.Decode(frame, out TcpSegment segment) == DecodeResult.Tcp) reassembler.Process(segment);
        }
        reassembler.Complete(lastNs);
    }
}
