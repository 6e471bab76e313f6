using System.Buffers.Binary;
using Sniffer.Capture.Files;
using Sniffer.Core.Packets;
using Sniffer.Decoding;
using Sniffer.TestSupport.Dissection;

namespace Sniffer.Fuzzing;

/// <summary>
/// Builds each harness's seed corpus from the project's captures and the dissector tests' transcripts, in the
/// harness's input format, so no binary seeds need committing. Seeds are kept small (fuzzers mutate small inputs faster).
/// </summary>
public static class SeedCorpus
{
    public const int MaxSeedBytes = 16 * 1024;
    private const int MaxFramesPerCapture = 64;

    /// <summary>The seeds of one target, from the captures under <paramref name="capturesDirectory"/> (captures/ and captures/tcp/).</summary>
    public static IReadOnlyList<byte[]> For(string target, string capturesDirectory) => target switch
    {
        "capture" => CaptureFiles(capturesDirectory).Select(CaptureFilePrefix).ToList(),
        "decoder" => CaptureFiles(capturesDirectory).SelectMany(FrameSeeds).ToList(),
        "reassembler" => CaptureFiles(capturesDirectory).Select(SegmentSeed).Where(s => s.Length > 0).ToList(),
        "http" or "smtp" or "imap" => TranscriptSeeds(target),
        _ => throw new ArgumentException($"unknown target \"{target}\""),
    };

    private static IEnumerable<string> CaptureFiles(string capturesDirectory) =>
        Directory.EnumerateFiles(capturesDirectory, "*.pcap*", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    /// <summary>The file cut at the last whole record before <see cref="MaxSeedBytes"/>, so the seed still parses to its end.</summary>
    private static byte[] CaptureFilePrefix(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length <= MaxSeedBytes) return bytes;
        using CaptureFileReader reader = CaptureFileReader.Open(path);
        long wholeRecordsEnd = reader.Position;
        while (reader.TryReadNext(out _) && reader.Position <= MaxSeedBytes) wholeRecordsEnd = reader.Position;
        return reader.IsCompressed ? bytes[..MaxSeedBytes] : bytes[..(int)wholeRecordsEnd];
    }

    /// <summary>Each Ethernet frame of a capture as a one-frame seed, plus all of its first frames as one seed.</summary>
    private static IEnumerable<byte[]> FrameSeeds(string path)
    {
        var all = new MemoryStream();
        var seeds = new List<byte[]>();
        foreach (byte[] frame in EthernetFrames(path).Take(MaxFramesPerCapture))
        {
            byte[] seed = LengthPrefixed(frame);
            if (seeds.Count < 8) seeds.Add(seed);
            if (all.Length + seed.Length <= MaxSeedBytes) all.Write(seed);
        }
        if (all.Length > 0) seeds.Add(all.ToArray());
        return seeds;
    }

    private static byte[] LengthPrefixed(byte[] frame)
    {
        var seed = new byte[frame.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(seed, (ushort)frame.Length);
        frame.CopyTo(seed, 2);
        return seed;
    }

    private static IEnumerable<byte[]> EthernetFrames(string path)
    {
        using CaptureFileReader reader = CaptureFileReader.Open(path);
        while (reader.TryReadNext(out CaptureFrame frame))
        {
            if (frame.LinkType == LinkType.Ethernet && frame.Data.Length <= ushort.MaxValue) yield return frame.Data.ToArray();
        }
    }

    /// <summary>A capture's TCP segments rewritten as a segment script: sequence numbers relative to each side's first.</summary>
    private static byte[] SegmentSeed(string path)
    {
        var decoder = new PacketDecoder(DecoderSettings.Default, new Sniffer.TestSupport.ListSink());
        var script = new MemoryStream();
        var firstSequence = new Dictionary<(ushort Source, ushort Destination), uint>();
        var ports = new List<ushort>();
        foreach (byte[] bytes in EthernetFrames(path))
        {
            var frame = new CaptureFrame(bytes, bytes.Length, 0, LinkType.Ethernet, 0);
            if (decoder.Decode(frame, out TcpSegment segment) != DecodeResult.Tcp) continue;
            ushort source = segment.Source.Port, destination = segment.Destination.Port;
            bool fromServer = IsServerPort(source) && !IsServerPort(destination);
            ushort serverPort = fromServer ? source : destination, clientPort = fromServer ? destination : source;
            if (!firstSequence.TryGetValue((source, destination), out uint first))
            {
                first = segment.Has(TcpFlags.Syn) ? segment.SequenceNumber : segment.SequenceNumber - 1;
                firstSequence[(source, destination)] = first;
            }
            if (!ports.Contains(clientPort)) ports.Add(clientPort);
            int payloadLength = Math.Min(segment.Payload.Length, MaxSeedBytes);
            if (script.Length + SegmentScript.HeaderLength + payloadLength > MaxSeedBytes) break;
            SegmentScript.Write(script, new SegmentScript.Segment((byte)segment.Flags, fromServer, ServerPortIndex(serverPort),
                ports.IndexOf(clientPort) & 3, SecondsBefore: 0, segment.SequenceNumber - first, segment.Payload[..payloadLength].ToArray()));
        }
        return script.ToArray();
    }

    private static bool IsServerPort(ushort port) => port is 80 or 25 or 587 or 143 or 8080 or 18080;

    private static int ServerPortIndex(ushort port) => port switch
    {
        25 or 587 => 1,
        143 => 2,
        80 => 0,
        _ => 3,
    };

    private static List<byte[]> TranscriptSeeds(string protocol)
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "Resources", "transcripts", protocol);
        return Directory.EnumerateFiles(folder, "*.txt").Order(StringComparer.Ordinal)
            .Select(file => Transcript.Load(Path.Combine(protocol, Path.GetFileName(file))))
            .Select(transcript => ChunkScript.Write(transcript.Turns.Where(t => t.Bytes.Length > 0)))
            .Select(seed => seed.Length <= MaxSeedBytes ? seed : seed[..MaxSeedBytes])
            .ToList();
    }
}
