using System.CommandLine;
using System.Diagnostics;
using Sniffer.Core.Dissection;
using Sniffer.Core.Records;
using Sniffer.Dissectors.Http.Records;
using Sniffer.Engine;
using Sniffer.Storage;

namespace Sniffer.Cli.Commands;

/// <summary>
/// <c>sniffer open</c>: analyse capture files into a session database (one capture entry per file) and
/// summarise them. Ctrl-C stops reading; everything analysed until then is committed before exit.
/// </summary>
internal static class OpenCommand
{
    public static Command Create()
    {
        var filesArgument = CaptureFilesArgument.Create();
        var dbOption = new Option<FileInfo?>("--db")
        {
            Description = "The session database to create or add to (default: FIRST-CAPTURE.sniffer.db beside it)",
        };
        var noUiOption = new Option<bool>("--no-ui")
        {
            Description = "Only ingest and print the summary, without the interactive view",
        };
        var analysis = new AnalysisOptions();
        var workersOption = WorkersOption.Create();
        var command = new Command("open", "Analyse capture files into a session database, showing progress, then summarise them")
        {
            filesArgument,
            dbOption,
            noUiOption,
            workersOption,
        };
        analysis.AddTo(command);
        command.SetAction(parse =>
        {
            FileInfo[] files = parse.GetRequiredValue(filesArgument);
            string db = parse.GetValue(dbOption)?.FullName ?? SessionStore.DefaultPathFor(files[0].FullName);
            PipelineOptions options = analysis.Read(parse) with { Workers = parse.GetValue(workersOption) };

            using var cancel = new CancellationTokenSource();
            using var signals = new StopSignals(cancel);
            bool failed = false;
            using var writer = SessionStoreWriter.Open(db);
            using (var progress = new IngestProgress(files.Sum(f => f.Length)))
            {
                foreach (FileInfo file in files)
                {
                    failed |= CaptureIngest.File(file.FullName, options, writer, new CountingSink(new ProgressSink(writer, progress)), printSummary: true,
                        progress.Track, cancel.Token);
                    if (cancel.IsCancellationRequested) break;
                }
                writer.Complete();
            }
            using (var stored = SessionStoreReader.Open(db)) SummaryPrinter.PrintStored(db, stored);
            if (cancel.IsCancellationRequested) Console.Error.WriteLine("sniffer: interrupted; everything read before Ctrl-C is stored");
            InteractiveView.Show(db, parse.GetValue(noUiOption));
            return failed || cancel.IsCancellationRequested ? ExitCodes.Error : ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Counts what reaches the store for the progress line, then hands it on.</summary>
    private sealed class ProgressSink(IRecordSink next, IngestProgress progress) : IRecordSink
    {
        public void Emit(SnifferRecord record)
        {
            progress.Count(record);
            next.Emit(record);
        }
    }

    /// <summary>
    /// The progress line on stderr, redrawn twice a second by a timer: packets, MB/s, flows, transactions, ETA.
    /// The timer reads the running pipeline's counters; they are plain longs, so a figure may be a moment
    /// stale but never torn.
    /// </summary>
    private sealed class IngestProgress : IDisposable
    {
        private readonly long _totalBytes;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Timer _timer;
        private volatile AnalysisPipeline? _current;
        private long _packetsBefore;
        private long _bytesBefore;
        private long _flows;
        private long _transactions;
        private bool _drawn;

        public IngestProgress(long totalBytes)
        {
            _totalBytes = totalBytes;
            _timer = new Timer(_ => Draw(), null, 500, 500);
        }

        public void Count(SnifferRecord record)
        {
            if (record is FlowRecord) Interlocked.Increment(ref _flows);
            else if (record is HttpTransaction) Interlocked.Increment(ref _transactions);
        }

        public IDisposable Track(AnalysisPipeline pipeline)
        {
            _current = pipeline;
            return new Finished(() =>
            {
                _current = null;
                Interlocked.Add(ref _packetsBefore, pipeline.Statistics.Decoding.Frames);
                Interlocked.Add(ref _bytesBefore, FileBytes(pipeline));
            });
        }

        public void Dispose()
        {
            _timer.Dispose();
            if (_drawn && !Console.IsErrorRedirected) Console.Error.WriteLine();
        }

        /// <summary>Frames plus their 16-byte record headers: the file offset for pcap, close to it for pcapng.</summary>
        private static long FileBytes(AnalysisPipeline pipeline) =>
            pipeline.Statistics.Decoding.CapturedBytes + 16 * pipeline.Statistics.Decoding.Frames;

        private void Draw()
        {
            AnalysisPipeline? current = _current;
            long packets = Interlocked.Read(ref _packetsBefore) + (current?.Statistics.Decoding.Frames ?? 0);
            long bytes = Interlocked.Read(ref _bytesBefore) + (current is null ? 0 : FileBytes(current));
            double rate = bytes / Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
            string eta = rate > 0 && _totalBytes > bytes ? TimeSpan.FromSeconds((_totalBytes - bytes) / rate).ToString(@"hh\:mm\:ss") : "--:--:--";
            string line = $"{packets:N0} packets, {rate / 1e6:F1} MB/s, {Interlocked.Read(ref _flows):N0} flows, {Interlocked.Read(ref _transactions):N0} transactions, ETA {eta}";
            _drawn = true;
            // On a terminal the line redraws in place; into a file or pipe each update is its own line.
            if (Console.IsErrorRedirected) Console.Error.WriteLine(line);
            else Console.Error.Write($"\r{line}\u001b[K");
        }

        private sealed class Finished(Action onDispose) : IDisposable
        {
            public void Dispose() => onDispose();
        }
    }
}
