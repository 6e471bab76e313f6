using System.CommandLine;
using Sniffer.Engine;

namespace Sniffer.Cli.Commands;

/// <summary><c>sniffer bench read FILE</c>: throughput of the read → decode-to-TCP-segment path on one core.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var fileArgument = new Argument<FileInfo>("file") { Description = "Capture file to measure on" };
        var passesOption = new Option<int>("--passes") { Description = "Times to read the file (the first warms the page cache and JIT)", DefaultValueFactory = _ => 3 };
        var read = new Command("read", "Measure reading and decoding to TCP segments: packets/s, MB/s, bytes allocated per packet")
        {
            fileArgument, passesOption,
        };
        passesOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 100) result.AddError("--passes must be between 1 and 100");
        });
        read.SetAction(parse =>
        {
            string path = parse.GetRequiredValue(fileArgument).FullName;
            int passes = parse.GetValue(passesOption);
            Console.WriteLine($"bench read {Path.GetFileName(path)}: {passes} passes, one thread");
            ReadBenchmarkResult? best = null;
            for (int pass = 1; pass <= passes; pass++)
            {
                ReadBenchmarkResult result = ReadBenchmark.Run(path);
                Console.WriteLine(
                    $"  pass {pass}: {result.Packets:N0} packets, {result.Bytes / 1e6:N1} MB in {result.Elapsed.TotalMilliseconds:N0} ms" +
                    $" = {result.PacketsPerSecond / 1e6:N2} M packets/s, {result.BytesPerSecond / 1e9:N2} GB/s," +
                    $" {result.AllocatedBytesPerPacket:N3} B allocated/packet ({result.TcpSegments:N0} TCP segments)");
                if (best is null || result.Elapsed < best.Elapsed) best = result;
            }
            Console.WriteLine($"best: {best!.PacketsPerSecond / 1e6:N2} M packets/s, {best.BytesPerSecond / 1e9:N2} GB/s, {best.AllocatedBytesPerPacket:N3} B/packet");
            return ExitCodes.Success;
        });
        var command = new Command("bench", "Benchmarks of Sniffer's hot path") { read };
        return command;
    }
}
