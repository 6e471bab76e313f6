using System.CommandLine;
using Sniffer.Core.Dissection;
using Sniffer.Engine;

namespace Sniffer.Cli.Commands;

/// <summary>
/// <c>sniffer bench read|reassemble|dissect FILE</c>: throughput of the hot path stage by stage, with the bytes
/// allocated per packet; dissect also on several workers, with transactions/s and the peak resident set.
/// </summary>
internal static class BenchCommand
{
    public static Command Create() => new("bench", "Benchmarks of Sniffer's hot path (read and reassemble on one core; dissect on --workers threads)")
    {
        Stage("read", BenchmarkStage.Read, "Measure reading and decoding to TCP segments"),
        Stage("reassemble", BenchmarkStage.Reassemble, "Measure reading, decoding and TCP reassembly (no dissector bound)"),
        Stage("dissect", BenchmarkStage.Dissect, "Measure reading, decoding, reassembly and every built-in dissector (nothing stored)"),
    };

    private static Command Stage(string name, BenchmarkStage stage, string description)
    {
        var fileArgument = new Argument<FileInfo>("file") { Description = "Capture file to measure on" };
        var passesOption = new Option<int>("--passes") { Description = "Times to read the file (the first warms the page cache and JIT)", DefaultValueFactory = _ => 3 };
        passesOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 100) result.AddError("--passes must be between 1 and 100");
        });
        var noBodiesOption = new Option<bool>("--no-bodies") { Description = "Keep no decoded bodies (sizes and hashes are still computed)" };
        var workersOption = WorkersOption.Create();
        var command = new Command(name, description + ": packets/s, MB/s, bytes allocated per packet") { fileArgument, passesOption };
        bool dissect = stage == BenchmarkStage.Dissect;
        if (dissect)
        {
            command.Add(noBodiesOption);
            command.Add(workersOption);
        }
        command.SetAction(parse =>
        {
            string path = parse.GetRequiredValue(fileArgument).FullName;
            int passes = parse.GetValue(passesOption);
            DissectorSettings settings = parse.GetValue(noBodiesOption) ? DissectorSettings.Default with { MaxBodyBytes = 0 } : DissectorSettings.Default;
            int workers = dissect ? parse.GetValue(workersOption) : 1;
            string threads = dissect && workers > 1 ? $"a reader and {workers} workers" : "one thread";
            Console.WriteLine($"bench {name} {Path.GetFileName(path)}: {passes} passes, {threads}");
            var results = new List<ReadBenchmarkResult>(passes);
            for (int pass = 1; pass <= passes; pass++)
            {
                ReadBenchmarkResult result = ReadBenchmark.Run(path, stage, settings, workers);
                results.Add(result);
                string transactions = dissect ? $", {result.TransactionsPerSecond:N0} transactions/s" : "";
                Console.WriteLine(
                    $"  pass {pass}: {result.Packets:N0} packets, {result.Bytes / 1e6:N1} MB in {result.Elapsed.TotalMilliseconds:N0} ms" +
                    $" = {result.BytesPerSecond / 1e6:N0} MB/s, {result.PacketsPerSecond / 1e6:N2} M packets/s{transactions}," +
                    $" {result.CpuTime.TotalMilliseconds:N0} ms CPU = {result.BytesPerCpuSecond / 1e6:N0} MB per CPU-second," +
                    $" {result.AllocatedBytesPerPacket:N3} B allocated/packet ({result.TcpSegments:N0} TCP segments, {result.Flows:N0} flows)");
            }
            // The first pass warms the page cache and the JIT; the best and the median of all passes are both shown.
            List<ReadBenchmarkResult> byTime = results.OrderBy(r => r.Elapsed).ToList();
            ReadBenchmarkResult best = byTime[0], median = byTime[byTime.Count / 2];
            Console.WriteLine(
                $"best: {best.BytesPerSecond / 1e6:N0} MB/s, {best.PacketsPerSecond / 1e6:N2} M packets/s, {best.TransactionsPerSecond:N0} transactions/s," +
                $" {best.AllocatedBytesPerPacket:N3} B/packet; median: {median.BytesPerSecond / 1e6:N0} MB/s;" +
                $" best per CPU-second: {results.Max(r => r.BytesPerCpuSecond) / 1e6:N0} MB;" +
                $" peak RSS {ReadBenchmark.PeakResidentBytes() / 1e6:N0} MB");
            return ExitCodes.Success;
        });
        return command;
    }
}
