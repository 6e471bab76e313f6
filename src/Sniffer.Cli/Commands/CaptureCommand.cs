using System.CommandLine;
using Sniffer.Capture.Live;
using Sniffer.Engine;
using Sniffer.Storage;
using Sniffer.Ui;

namespace Sniffer.Cli.Commands;

/// <summary><c>sniffer capture</c>: live capture through libpcap, optionally saved with -w, analysed as it arrives.</summary>
internal static class CaptureCommand
{
    public static Command Create()
    {
        var interfaceOption = new Option<string>("--interface", "-i") { Description = "Interface to capture on (see 'sniffer interfaces')", Required = true };
        var filterOption = new Option<string?>("--filter", "-f") { Description = "BPF capture filter, e.g. \"tcp port 80\"" };
        var snaplenOption = new Option<int>("--snaplen", "-s") { Description = "Bytes to keep of each packet", DefaultValueFactory = _ => 262_144 };
        var promiscuousOption = new Option<bool>("--promisc") { Description = "Put the interface in promiscuous mode" };
        var writeOption = new Option<FileInfo?>("--write", "-w") { Description = "Save every captured packet to this pcap file as it arrives" };
        var durationOption = new Option<TimeSpan?>("--duration") { Description = "Stop after this long (500ms, 30s, 5m, 1h)", CustomParser = DurationParser.Parse };
        var countOption = new Option<long?>("--count", "-c") { Description = "Stop after this many packets" };
        var bufferOption = new Option<int>("--buffer-mb") { Description = "libpcap buffer in MB", DefaultValueFactory = _ => 64 };
        var dbOption = new Option<FileInfo?>("--db")
        {
            Description = "Store what the analysis finds in this session database as it captures (default with -w: OUT.sniffer.db beside it)",
        };
        var noStoreOption = new Option<bool>("--no-store") { Description = "Analyse only; write no session database, even with -w" };
        var uiOption = new Option<bool>("--ui")
        {
            Description = "Browse what is stored while capturing (needs --db or -w); quitting the view stops the capture",
        };
        var analysis = new AnalysisOptions();

        var command = new Command("capture", "Capture live from an interface; Ctrl-C, --duration or --count stop it")
        {
            interfaceOption, filterOption, snaplenOption, promiscuousOption, writeOption, durationOption, countOption, bufferOption,
            dbOption, noStoreOption, uiOption,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(noStoreOption) && result.GetValue(dbOption) is not null) result.AddError("--db and --no-store contradict each other");
            if (result.GetValue(uiOption) && (result.GetValue(noStoreOption) || (result.GetValue(dbOption) ?? result.GetValue(writeOption)) is null))
                result.AddError("--ui shows the session database: give --db (or -w) and not --no-store");
        });
        analysis.AddTo(command);
        snaplenOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 64 or > 262_144) result.AddError("--snaplen must be between 64 and 262144");
        });
        countOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long?>() is <= 0) result.AddError("--count must be positive");
        });
        bufferOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 2048) result.AddError("--buffer-mb must be between 1 and 2048");
        });

        command.SetAction(parse =>
        {
            var options = new LiveCaptureOptions
            {
                InterfaceName = parse.GetRequiredValue(interfaceOption),
                Filter = parse.GetValue(filterOption),
                Snaplen = parse.GetValue(snaplenOption),
                Promiscuous = parse.GetValue(promiscuousOption),
                BufferBytes = parse.GetValue(bufferOption) * 1024 * 1024,
                SaveTo = parse.GetValue(writeOption)?.FullName,
                PacketLimit = parse.GetValue(countOption),
            };
            TimeSpan? duration = parse.GetValue(durationOption);
            FileInfo? output = parse.GetValue(writeOption);
            string? db = parse.GetValue(noStoreOption) ? null
                : parse.GetValue(dbOption)?.FullName ?? (output is null ? null : SessionStore.DefaultPathFor(output.FullName));

            using var cancel = new CancellationTokenSource();
            using var signals = new StopSignals(cancel);
            // The store opens first: a database another process holds fails before any packet is taken.
            using SessionStoreWriter? store = db is null ? null : SessionStoreWriter.Open(db);
            var counting = new CountingSink(store);
            using var pipeline = new AnalysisPipeline(analysis.Read(parse), counting);
            using LiveCapture capture = LiveCapture.Start(options);
            store?.BeginCapture(new CaptureSource(output?.FullName ?? $"live:{capture.InterfaceName}")
            {
                Interface = capture.InterfaceName,
                Filter = options.Filter,
            });
            Console.Error.WriteLine($"Capturing on '{capture.InterfaceName}' ({capture.LinkType}){(options.Filter is null ? "" : $", filter \"{options.Filter}\"")}; Ctrl-C stops");
            LiveCaptureResult result = parse.GetValue(uiOption) && store is not null
                ? RunWithView(capture, pipeline, duration, store, cancel)
                : LiveAnalysis.Run(capture, pipeline, duration, cancel.Token);
            store?.EndCapture(CaptureIngest.Totals(pipeline.Statistics));
            store?.Complete();
            SummaryPrinter.PrintLive(result, pipeline, counting, output?.FullName);
            if (db is not null) Console.Error.WriteLine($"sniffer: stored in {db}");
            if (result.SaveError is null) return ExitCodes.Success;
            Console.Error.WriteLine($"sniffer: {result.SaveError}");
            return ExitCodes.Error;
        });
        return command;
    }

    /// <summary>
    /// Issue 9's live mode: the capture runs on its own thread while the terminal UI reads the writer's database and
    /// refreshes twice a second; the status line shows packets, flows, drops and whether the capture still runs.
    /// Browsing never pauses the capture; quitting the view (or the capture's own stop condition) ends it.
    /// </summary>
    private static LiveCaptureResult RunWithView(LiveCapture capture, AnalysisPipeline pipeline,
        TimeSpan? duration, SessionStoreWriter store, CancellationTokenSource cancel)
    {
        Task<LiveCaptureResult> capturing = Task.Factory.StartNew(
            () => LiveAnalysis.Run(capture, pipeline, duration, cancel.Token), TaskCreationOptions.LongRunning);
        if (Console.IsInputRedirected || Console.IsOutputRedirected)
        {
            Console.Error.WriteLine("sniffer: not a terminal, so no interactive view; capturing until a stop condition or Ctrl-C");
        }
        else
        {
            using SessionStoreReader reader = store.CreateReader();
            SnifferUi.Run(reader, $"live on {capture.InterfaceName}", () =>
            {
                LiveCaptureCounters counters = capture.Counters;
                string state = capturing.IsCompleted ? "stopped" : "capturing";
                return $"{state}: {counters.Received:N0} packets, {pipeline.Statistics.Reassembly.FlowsSeen:N0} flows, " +
                       $"dropped {counters.DroppedByKernel:N0} kernel / {counters.DroppedByInterface:N0} interface / {counters.DroppedByUs:N0} sniffer";
            });
            cancel.Cancel();
        }
        return capturing.GetAwaiter().GetResult();
    }
}
