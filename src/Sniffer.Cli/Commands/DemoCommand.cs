using System.CommandLine;
using System.Net;
using Sniffer.Capture.Live;
using Sniffer.Engine;
using Sniffer.Generator;
using Sniffer.Storage;

namespace Sniffer.Cli.Commands;

/// <summary>
/// <c>sniffer demo</c>: every feature within a minute. Starts the built-in servers on free loopback ports, captures
/// their traffic on <c>lo</c> into a pcap and a session database, drives them with the traffic generator (all
/// scenarios: persistent and non-persistent HTTP, cookies, conditional GET, SMTP with attachments and a refused
/// recipient, IMAP retrieval of the same mails), then shows the result. Without capture permission or libpcap it
/// says why and analyses the bundled captures/demo.pcap instead. Everything it started is stopped before it returns.
/// </summary>
internal static class DemoCommand
{
    /// <summary>Time for the last FIN/ACKs of the generator's connections to pass libpcap before the capture stops.</summary>
    private static readonly TimeSpan Drain = TimeSpan.FromMilliseconds(500);

    public static Command Create()
    {
        var seedOption = new Option<int>("--seed") { Description = "Seed of the generator's choices (same seed, same traffic)", DefaultValueFactory = _ => 1 };
        var durationOption = new Option<TimeSpan?>("--duration")
        {
            Description = "Stop the generator after this long (default: one pass over every scenario)",
            CustomParser = DurationParser.Parse,
        };
        var keepOption = new Option<DirectoryInfo?>("--keep")
        {
            Description = "Keep the capture (demo.pcap), database (demo.sniffer.db) and generator log (demo.log.json) in this folder",
        };
        var noUiOption = new Option<bool>("--no-ui") { Description = "Print the summary instead of opening the interactive view" };
        var command = new Command("demo", "Serve, capture on lo, generate traffic and show what Sniffer makes of it")
        {
            seedOption, durationOption, keepOption, noUiOption,
        };
        command.SetAction(async (parse, ct) =>
        {
            DirectoryInfo? keep = parse.GetValue(keepOption);
            string folder = keep?.FullName ?? Directory.CreateTempSubdirectory("sniffer-demo-").FullName;
            Directory.CreateDirectory(folder);
            var files = new DemoFiles(folder);
            if (keep is not null) files.RefuseToOverwrite();
            try
            {
                bool live = await CaptureDemoAsync(files, parse.GetValue(seedOption), parse.GetValue(durationOption), ct);
                if (!live && !IngestBundled(files)) return ExitCodes.Error;
                using (var stored = SessionStoreReader.Open(files.Database)) SummaryPrinter.PrintStored(files.Database, stored);
                if (keep is not null) Console.WriteLine($"Kept in {folder}: demo.pcap, demo.sniffer.db{(live ? ", demo.log.json" : "")}");
                InteractiveView.Show(files.Database, parse.GetValue(noUiOption));
                return ExitCodes.Success;
            }
            finally
            {
                if (keep is null) Directory.Delete(folder, recursive: true);
            }
        });
        return command;
    }

    /// <summary>The live demo; false (with the reason printed) when this machine cannot capture on lo.</summary>
    private static async Task<bool> CaptureDemoAsync(DemoFiles files, int seed, TimeSpan? duration, CancellationToken ct)
    {
        await using var servers = new BuiltInServers();
        Uri http = await servers.StartHttpAsync(ct);
        IPEndPoint smtp = await servers.StartSmtpAsync(ct);
        IPEndPoint imap = await servers.StartImapAsync(ct);
        servers.AnnounceStarted(Console.Error);

        var captureOptions = new LiveCaptureOptions
        {
            InterfaceName = "lo",
            Filter = $"tcp port {http.Port} or tcp port {smtp.Port} or tcp port {imap.Port}",
            SaveTo = files.Capture,
        };
        LiveCapture capture;
        try
        {
            capture = LiveCapture.Start(captureOptions);
        }
        catch (CaptureSetupException error)
        {
            Console.Error.WriteLine($"sniffer: cannot capture on lo: {error.Message}");
            Console.Error.WriteLine("sniffer: showing the bundled demo capture instead");
            return false;
        }

        using (capture)
        using (var store = SessionStoreWriter.Open(files.Database))
        {
            var records = new CountingSink(store);
            var options = new PipelineOptions
            {
                PortMappings = [new((ushort)http.Port, "http"), new((ushort)smtp.Port, "smtp"), new((ushort)imap.Port, "imap")],
            };
            using var pipeline = new AnalysisPipeline(options, records);
            store.BeginCapture(new CaptureSource(files.Capture) { Interface = capture.InterfaceName, Filter = captureOptions.Filter });
            using var stopCapture = CancellationTokenSource.CreateLinkedTokenSource(ct);
            Task<LiveCaptureResult> capturing = Task.Factory.StartNew(
                () => LiveAnalysis.Run(capture, pipeline, duration: null, stopCapture.Token),
                TaskCreationOptions.LongRunning);
            GeneratorLog log;
            try
            {
                log = await TrafficGenerator.RunAsync(new GeneratorOptions
                {
                    Scenarios = Scenario.All,
                    Http = http,
                    Smtp = smtp,
                    Imap = imap,
                    Seed = seed,
                    Duration = duration,
                    Count = duration is null ? 1 : null,
                }, ct);
                await Task.Delay(Drain, ct);
            }
            finally
            {
                stopCapture.Cancel();
            }
            LiveCaptureResult result = await capturing;
            log.Write(files.Log);
            SummaryPrinter.PrintLive(result, pipeline, records, files.Capture);
            store.EndCapture(CaptureIngest.Totals(pipeline.Statistics));
            store.Complete();
        }
        return true;
    }

    /// <summary>The bundled capture, shipped beside the executable, analysed into the demo database.</summary>
    private static bool IngestBundled(DemoFiles files)
    {
        string bundled = Path.Combine(AppContext.BaseDirectory, "captures", "demo.pcap");
        if (!File.Exists(bundled))
        {
            Console.Error.WriteLine($"sniffer: the bundled demo capture is missing ({bundled})");
            return false;
        }
        File.Copy(bundled, files.Capture, overwrite: true);
        using var store = SessionStoreWriter.Open(files.Database);
        return !CaptureIngest.File(files.Capture, new PipelineOptions(), store, new CountingSink(store), printSummary: true);
    }

    private sealed record DemoFiles(string Folder)
    {
        public string Capture => Path.Combine(Folder, "demo.pcap");

        public string Database => Path.Combine(Folder, "demo.sniffer.db");

        public string Log => Path.Combine(Folder, "demo.log.json");

        public void RefuseToOverwrite()
        {
            foreach (string path in new[] { Capture, Database, Log })
            {
                if (File.Exists(path)) throw new UsageException($"{path} exists; choose another --keep folder or remove it");
            }
        }
    }
}
