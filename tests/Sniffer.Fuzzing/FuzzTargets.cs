using System.Buffers.Binary;
using Sniffer.Capture.Files;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Core.Packets;
using Sniffer.Core.Records;
using Sniffer.Decoding;
using Sniffer.Dissectors.Http;
using Sniffer.Dissectors.Imap;
using Sniffer.Dissectors.Smtp;
using Sniffer.Reassembly;

namespace Sniffer.Fuzzing;

/// <summary>
/// The harnesses. Limits are set far below the defaults so that short fuzz inputs reach every limit's code path;
/// each harness also checks the component's memory bounds and that anomaly details stay escaped.
/// </summary>
public static class FuzzTargets
{
    public static DissectorSettings DissectorLimits { get; } = new()
    {
        MaxLineBytes = 512,
        MaxHeaderBytes = 2048,
        MaxHeaderCount = 16,
        MaxBodyBytes = 4096,
        MaxDecompressedBytes = 64 * 1024,
        MaxDecompressionRatio = 50,
        MaxMessageBytes = 8192,
        MaxLiteralBytes = 8192,
    };

    public static DecoderSettings DecoderLimits { get; } = new()
    {
        MaxFragmentDatagramsInFlight = 8,
        MaxFragmentBytesTotal = 128 * 1024,
    };

    public static ReassemblyOptions ReassemblyLimits { get; } = new()
    {
        IdleTimeoutNs = 10 * 1_000_000_000L,
        ClosedLingerNs = 2 * 1_000_000_000L,
        MaxBufferedBytesPerFlow = 16 * 1024,
        MaxBufferedBytesTotal = 48 * 1024,
        RetransmissionHistoryBytes = 1024,
        MaxFlows = 6,
        MaxKeptBytesTotal = 24 * 1024,
        Dissector = DissectorLimits,
    };

    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("capture", "bytes as a capture file (pcap, pcapng or gzip of either), read to the end", ReadCaptureFile),
        new("decoder", "Ethernet frames, each preceded by its length (2 bytes, big-endian), through one packet decoder", DecodeFrames),
        new("reassembler", "TCP segments of up to 16 flows (see SegmentScript) through the flow table and every dissector", Reassemble),
        new("http", "client and server chunks (see ChunkScript) through the HTTP dissector", input => Dissect(new HttpDissectorFactory(), input)),
        new("smtp", "client and server chunks (see ChunkScript) through the SMTP dissector", input => Dissect(new SmtpDissectorFactory(), input)),
        new("imap", "client and server chunks (see ChunkScript) through the IMAP dissector", input => Dissect(new ImapDissectorFactory(), input)),
    ];

    public static FuzzTarget Find(string name) =>
        All.FirstOrDefault(t => t.Name == name) ?? throw new ArgumentException($"unknown target \"{name}\"; known: {string.Join(", ", All.Select(t => t.Name))}");

    private static void ReadCaptureFile(byte[] input)
    {
        // The reader opens paths only; one scratch file per thread keeps parallel replays apart.
        string path = Path.Combine(Path.GetTempPath(), $"sniffer-fuzz-{Environment.ProcessId}-{Environment.CurrentManagedThreadId}.cap");
        File.WriteAllBytes(path, input);
        try
        {
            using CaptureFileReader reader = CaptureFileReader.Open(path);
            while (reader.TryReadNext(out CaptureFrame frame))
            {
                if (frame.Data.Length > frame.OriginalLength && frame.OriginalLength != 0)
                {
                    throw new ContractViolationException($"frame {frame.FrameNumber}: captured {frame.Data.Length} bytes of {frame.OriginalLength}");
                }
            }
        }
        catch (CaptureFileException)
        {
            // The documented outcome for a file that is not a capture or whose framing is corrupt.
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void DecodeFrames(byte[] input)
    {
        var decoder = new PacketDecoder(DecoderLimits, new CheckingSink());
        long timeNs = 1_700_000_000_000_000_000;
        long frameNumber = 0;
        int at = 0;
        while (input.Length - at >= 2)
        {
            int length = Math.Min(BinaryPrimitives.ReadUInt16BigEndian(input.AsSpan(at)), input.Length - at - 2);
            var frame = new CaptureFrame(input.AsSpan(at + 2, length), length, timeNs += 1_000_000_000, LinkType.Ethernet, ++frameNumber);
            decoder.Decode(frame, out _);
            decoder.ExpireFragments(timeNs);
            at += 2 + length;
            if (decoder.FragmentBytesBuffered > DecoderLimits.MaxFragmentBytesTotal || decoder.FragmentDatagramsInFlight > DecoderLimits.MaxFragmentDatagramsInFlight)
            {
                throw new ContractViolationException($"fragment state over its limits: {decoder.FragmentDatagramsInFlight} datagrams, {decoder.FragmentBytesBuffered} bytes");
            }
        }
    }

    private static void Reassemble(byte[] input)
    {
        var registry = new DissectorRegistry();
        registry.Add(new HttpDissectorFactory());
        registry.Add(new SmtpDissectorFactory());
        registry.Add(new ImapDissectorFactory());
        var reassembler = new TcpReassembler(ReassemblyLimits, registry, new CheckingSink());
        const uint clientIsn = 1000, serverIsn = 5000;
        byte[] clientAddress = [10, 0, 0, 1], serverAddress = [10, 0, 0, 2];
        long timeNs = 1_700_000_000_000_000_000;
        long frameNumber = 0;
        foreach (SegmentScript.Segment s in SegmentScript.Read(input))
        {
            timeNs += s.SecondsBefore * 1_000_000_000L + 1000;
            var client = NetworkEndpoint.FromIPv4(clientAddress, (ushort)(SegmentScript.FirstClientPort + s.ClientPortIndex));
            var server = NetworkEndpoint.FromIPv4(serverAddress, SegmentScript.ServerPorts[s.ServerPortIndex]);
            var flags = (TcpFlags)s.Flags;
            // Acknowledge the peer's initial sequence number plus one: enough for the reassembler's ACK-based checks to run.
            uint acknowledgment = flags.HasFlag(TcpFlags.Ack) ? (s.FromServer ? clientIsn : serverIsn) + 1 : 0;
            var segment = new TcpSegment(s.FromServer ? server : client, s.FromServer ? client : server, 0,
                (s.FromServer ? serverIsn : clientIsn) + s.SequenceOffset, acknowledgment, flags, 65535, TcpOptions.None,
                s.Payload.Span, 0, timeNs, ++frameNumber);
            reassembler.Process(segment);
            if (reassembler.Counters.BufferedBytes > ReassemblyLimits.MaxBufferedBytesTotal + ushort.MaxValue
                || reassembler.Counters.FlowsActive > ReassemblyLimits.MaxFlows
                || reassembler.KeptBytesBudget.HeldBytes > ReassemblyLimits.MaxKeptBytesTotal)
            {
                throw new ContractViolationException(
                    $"flow table over its limits: {reassembler.Counters.BufferedBytes} bytes buffered, {reassembler.Counters.FlowsActive} flows, " +
                    $"{reassembler.KeptBytesBudget.HeldBytes} bytes kept");
            }
        }
        reassembler.Complete(timeNs);
        // Every flow has ended: whatever its dissectors kept was handed to a record or dropped, and its reservation given back.
        if (reassembler.KeptBytesBudget.HeldBytes != 0)
        {
            throw new ContractViolationException($"{reassembler.KeptBytesBudget.HeldBytes} kept bytes still reserved after every flow ended");
        }
    }

    private static void Dissect(IDissectorFactory factory, byte[] input)
    {
        // The framework holds at most MaxUnconsumedBytes for a dissector (IStreamDissector's contract), plus the chunk just added.
        ScriptDriver driver = new ScriptDriver(factory, DissectorLimits).Play(input, ReassemblyLimits.MaxUnconsumedBytes + ChunkScript.MaxChunkBytes);
        foreach (Anomaly anomaly in driver.Anomalies) CheckingSink.Check(anomaly);
    }

    /// <summary>Discards records after checking that anomaly details never carry raw control characters.</summary>
    private sealed class CheckingSink : IRecordSink
    {
        public void Emit(SnifferRecord record)
        {
            if (record is Anomaly anomaly) Check(anomaly);
        }

        public static void Check(Anomaly anomaly)
        {
            if (anomaly.Detail.Any(char.IsControl))
            {
                throw new ContractViolationException($"anomaly {anomaly.Kind} carries a raw control character: {Uri.EscapeDataString(anomaly.Detail)}");
            }
        }
    }
}
