using System.Diagnostics;
using Sniffer.Capture.Files;
using Sniffer.Core.Dissection;
using Sniffer.Core.Packets;
using Sniffer.Core.Records;
using Sniffer.Decoding;
using Sniffer.Dissectors.Http.Records;
using Sniffer.Dissectors.Imap.Records;
using Sniffer.Dissectors.Smtp.Records;
using Sniffer.Reassembly;

namespace Sniffer.Engine;

/// <summary>How far down the hot path a benchmark goes.</summary>
public enum BenchmarkStage
{
    /// <summary>Read and decode to TCP segments.</summary>
    Read,

    /// <summary>… and reassemble, with no dissector bound.</summary>
    Reassemble,

    /// <summary>… and dissect with every built-in dissector (no analyses, nothing stored).</summary>
    Dissect,
}

public sealed record ReadBenchmarkResult(long Packets, long Bytes, long TcpSegments, long Flows, TimeSpan Elapsed, long AllocatedBytes)
{
    /// <summary>HTTP and SMTP transactions and IMAP commands the dissectors emitted (dissect stage only).</summary>
    public long Transactions { get; init; }

    /// <summary>The process's peak resident set so far (VmHWM), in bytes; 0 where /proc is not available.</summary>
    public long PeakResidentBytes { get; init; }

    /// <summary>CPU time every thread of the process spent during the run (user and system, GC and JIT included).</summary>
    public TimeSpan CpuTime { get; init; }

    /// <summary>
    /// Bytes per CPU-second: on a machine shared with other work, wall time measures the sharing, while this measures the
    /// code (with one worker, what one uncontended core would reach).
    /// </summary>
    public double BytesPerCpuSecond => Bytes / CpuTime.TotalSeconds;

    public double PacketsPerSecond => Packets / Elapsed.TotalSeconds;
    public double BytesPerSecond => Bytes / Elapsed.TotalSeconds;
    public double TransactionsPerSecond => Transactions / Elapsed.TotalSeconds;
    public double AllocatedBytesPerPacket => Packets == 0 ? 0 : (double)AllocatedBytes / Packets;
}

/// <summary>
/// Times the hot path up to a <see cref="BenchmarkStage"/>, counting the bytes it allocates. Read and reassemble run on
/// the calling thread; dissect runs the pipeline with the given number of workers (1: the calling thread only), and
/// counts what every thread allocates. File bytes are counted as captured (what was read), as tcpdump -r reports throughput.
/// </summary>
public static class ReadBenchmark
{
    public static ReadBenchmarkResult Run(string path, BenchmarkStage stage, DissectorSettings? dissectors = null, int workers = 1)
    {
        using CaptureFileReader reader = CaptureFileReader.Open(path);
        long packets = 0, bytes = 0, lastNs = 0;
        bool dissect = stage == BenchmarkStage.Dissect;
        long allocatedBefore = Allocated();
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        if (dissect)
        {
            var transactions = new TransactionCounter();
            var options = new PipelineOptions { RunAnalyses = false, Dissectors = dissectors ?? DissectorSettings.Default, Workers = workers };
            using var pipeline = new AnalysisPipeline(options, transactions);
            while (reader.TryReadNext(out CaptureFrame frame))
            {
                packets++;
                bytes += frame.Data.Length;
                pipeline.Process(frame);
            }
            pipeline.Complete();
            clock.Stop();
            return Result(pipeline.Statistics.Decoding, pipeline.Statistics.Reassembly) with { Transactions = transactions.Count };
        }

        var decoder = new PacketDecoder(DecoderSettings.Default, DiscardSink.Instance);
        TcpReassembler? reassembler = stage == BenchmarkStage.Reassemble
            ? new TcpReassembler(ReassemblyOptions.Default, new DissectorRegistry(), DiscardSink.Instance)
            : null;
        while (reader.TryReadNext(out CaptureFrame frame))
        {
            packets++;
            bytes += frame.Data.Length;
            lastNs = frame.TimestampNs;
            if (decoder.Decode(frame, out TcpSegment segment) == DecodeResult.Tcp) reassembler?.Process(segment);
        }
        reassembler?.Complete(lastNs);
        clock.Stop();
        return Result(decoder.Counters, reassembler?.Counters);

        ReadBenchmarkResult Result(DecoderCounters decoding, ReassemblyCounters? reassembly) => new(
            packets, bytes, decoding.TcpSegments, reassembly?.FlowsSeen ?? 0, clock.Elapsed, Allocated() - allocatedBefore)
        {
            PeakResidentBytes = PeakResidentBytes(),
            CpuTime = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore,
        };

        // Workers allocate on their own threads; the precise process-wide count includes them.
        long Allocated() => dissect ? GC.GetTotalAllocatedBytes(precise: true) : GC.GetAllocatedBytesForCurrentThread();
    }

    /// <summary>VmHWM from /proc/self/status: the peak resident set, which is what a user sees in top and /usr/bin/time.</summary>
    public static long PeakResidentBytes()
    {
        const string Field = "VmHWM:";
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (!line.StartsWith(Field, StringComparison.Ordinal)) continue;
                string kilobytes = line[Field.Length..].Trim().Split(' ')[0];
                return long.Parse(kilobytes, System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException)
        {
            // Not Linux, or /proc not mounted: the figure is left out.
        }
        return 0;
    }

    private sealed class DiscardSink : IRecordSink
    {
        public static readonly DiscardSink Instance = new();
        public void Emit(SnifferRecord record) { }
    }

    /// <summary>Counts the transactions the dissectors emit and keeps nothing.</summary>
    private sealed class TransactionCounter : IRecordSink
    {
        public long Count { get; private set; }

        public void Emit(SnifferRecord record)
        {
            if (record is HttpTransaction or SmtpTransaction or ImapCommandRecord) Count++;
        }
    }
}
