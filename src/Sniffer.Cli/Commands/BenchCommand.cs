using System.CommandLine;
using Sniffer.Core.Dissection;
using Sniffer.Engine;

namespace Sniffer.Cli.Commands;

/// <summary>
/// <c>sniffer bench read|reassemble|dissect FILE</c>: throughput of the hot path on one core, stage by stage,
/// with the bytes allocated per packet.
/// </summary>
internal static class BenchCommand
{
    public static Command Create() => new("bench", "Benchmarks of Sniffer's hot path, one core")
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
        var command = new Command(name, description + ": packets/s, GB/s, bytes allocated per packet") { fileArgument, passesOption };
        if (stage == BenchmarkStage.Dissect) command.Add(noBodiesOption);
        command.SetAction(parse =>
        {
            string path = parse.GetRequiredValue(fileArgument).FullName;
            int passes = parse.GetValue(passesOption);
            DissectorSettings settings = parse.GetValue(noBodiesOption) ? DissectorSettings.Default with { MaxBodyBytes = 0 } : DissectorSettings.Default;
            Console.WriteLine($"bench {name} {Path.GetFileName(path)}: {passes} passes, one thread");
            ReadBenchmarkResult? best = null;
            for (int pass = 1; pass <= passes; pass++)
            {
                ReadBenchmarkResult result = ReadBenchmark.Run(path, stage, settings);
                Console.WriteLine(
                    $"  pass {pass}: {result.Packets:N0} packets, {result.Bytes / 1e6:N1} MB in {result.Elapsed.TotalMilliseconds:N0} ms" +
                    $" = {result.PacketsPerSecond / 1e6:N2} M packets/s, {result.BytesPerSecond / 1e9:N2} GB/s," +
                    $" {result.AllocatedBytesPerPacket:N3} B allocated/packet ({result.TcpSegments:N0} TCP segments, {result.Flows:N0} flows)");
                if (best is null || result.Elapsed < best.Elapsed) best = result;
            }
            Console.WriteLine($"best: {best!.PacketsPerSecond / 1e6:N2} M packets/s, {best.BytesPerSecond / 1e9:N2} GB/s, {best.AllocatedBytesPerPacket:N3} B/packet");
            return ExitCodes.Success;
        });
        return command;
    }
}
