using System.Diagnostics;
using Sniffer.Storage.Mapping;

namespace Sniffer.Storage.Tests;

/// <summary>
/// The test assembly run as a program (<c>dotnet Sniffer.Storage.Tests.dll MODE DB</c>): the child the crash
/// and Ctrl-C tests kill, and the storage benchmark. Records are emitted per flow as flow, anomaly, exchange,
/// so what survives a crash can be checked against the emission order.
/// </summary>
public static class HelperProgram
{
    /// <summary>Bounds a child whose parent died before killing it.</summary>
    private const long MaxFlows = 2_000_000;

    public static int Main(string[] args) => args switch
    {
        ["ingest-until-killed", string db] => IngestUntilKilled(db),
        ["ingest-until-interrupted", string db] => IngestUntilInterrupted(db),
        ["bench", string db, string count] => StorageBenchmark.Run(db, int.Parse(count), withFlows: false),
        ["bench", string db, string count, "--flows"] => StorageBenchmark.Run(db, int.Parse(count), withFlows: true),
        ["bench-queries", string db] => StorageBenchmark.Queries(db),
        ["bench-engine", string folder, string count] => StorageBenchmark.EngineCeiling(folder, int.Parse(count)),
        _ => Usage(),
    };

    private static int IngestUntilKilled(string db)
    {
        // Small batches so a kill lands between many commits and inside some.
        using var writer = SessionStoreWriter.Open(db, new SessionStoreWriterOptions { BatchSize = 500, QueueCapacity = 1000 });
        writer.BeginCapture(new CaptureSource("synthetic"));
        Console.WriteLine("ready");
        long reported = 0;
        for (long flow = 1; flow <= MaxFlows; flow++)
        {
            EmitFlow(writer, flow);
            // Progress lets the parent kill after a chosen number of commits rather than after a guessed time.
            if (writer.BatchesCommitted != reported) Console.WriteLine($"committed {reported = writer.BatchesCommitted}");
        }
        return 0;
    }

    private static int IngestUntilInterrupted(string db)
    {
        using var interrupted = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            interrupted.Cancel();
        };
        var writer = SessionStoreWriter.Open(db);
        writer.BeginCapture(new CaptureSource("synthetic"));
        Console.WriteLine("ready");
        long flow = 0;
        while (!interrupted.IsCancellationRequested && flow < MaxFlows) EmitFlow(writer, ++flow);
        writer.EndCapture(new CaptureTotals(null, null, new Dictionary<string, long> { ["flows"] = flow }));
        writer.Complete();
        Console.WriteLine($"emitted {flow}");
        return 0;
    }

    private static void EmitFlow(SessionStoreWriter writer, long flow)
    {
        writer.Emit(SyntheticRecords.Flow(flow));
        writer.Emit(SyntheticRecords.Anomaly(flow));
        writer.Emit(SyntheticRecords.PlainHttp(flow, 1));
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: Sniffer.Storage.Tests.dll ingest-until-killed DB | ingest-until-interrupted DB | bench DB COUNT [--flows] | bench-queries DB | bench-engine FOLDER COUNT");
        return 2;
    }
}

/// <summary>Starts this assembly as a child process with a mode and a database path.</summary>
public sealed class HelperProcess : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly Process _process;

    public HelperProcess(string mode, string db)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(HelperProgram).Assembly.Location);
        start.ArgumentList.Add(mode);
        start.ArgumentList.Add(db);
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start the helper");
    }

    public int Id => _process.Id;

    /// <summary>Waits for the child's "ready" line: the database is open and locked, and records are flowing.</summary>
    public void WaitUntilReady()
    {
        Task<string?> line = _process.StandardOutput.ReadLineAsync();
        if (!line.Wait(Limit) || line.Result != "ready")
            throw new InvalidOperationException($"the helper did not start: {line.Result} {_process.StandardError.ReadToEnd()}");
    }

    /// <summary>Waits until the child reports at least <paramref name="batches"/> committed batches.</summary>
    public void WaitForCommittedBatches(long batches)
    {
        while (true)
        {
            Task<string?> line = _process.StandardOutput.ReadLineAsync();
            if (!line.Wait(Limit) || line.Result is null) throw new InvalidOperationException("the helper stopped reporting progress");
            if (line.Result.StartsWith("committed ", StringComparison.Ordinal) && long.Parse(line.Result["committed ".Length..]) >= batches) return;
        }
    }

    /// <summary>SIGKILL by PID (.NET sends SIGKILL for Kill on Unix), then reaps the child.</summary>
    public void KillHard()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public (int ExitCode, string Output, string Error) WaitForExit()
    {
        Task<string> output = _process.StandardOutput.ReadToEndAsync();
        Task<string> error = _process.StandardError.ReadToEndAsync();
        if (!_process.WaitForExit(Limit))
        {
            _process.Kill();
            throw new TimeoutException("the helper ran longer than " + Limit);
        }
        return (_process.ExitCode, output.Result, error.Result);
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.Dispose();
    }
}
