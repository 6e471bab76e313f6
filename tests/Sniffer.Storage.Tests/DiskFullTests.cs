using System.Diagnostics;
using System.Runtime.CompilerServices;
using Xunit;

namespace Sniffer.Storage.Tests;

/// <summary>A small tmpfs this test mounts and unmounts: a real ENOSPC, not a simulated one. Needs root and mount(8).</summary>
public sealed class SmallFilesystem : IDisposable
{
    public SmallFilesystem(int megabytes)
    {
        Directory.CreateDirectory(Path);
        Mount("-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", Path);
    }

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"sniffer-full-{Guid.NewGuid():N}");

    /// <summary>Gives the filesystem more room, as a user freeing space would.</summary>
    public void Grow(int megabytes) => Mount("-o", $"remount,size={megabytes}m", Path);

    public void Dispose()
    {
        // Lazy: LiteDB keeps its file streams open when disposing fails on a full disk, so the mount is still busy.
        Run("umount", "--lazy", Path);
        Directory.Delete(Path);
    }

    public static bool CanMount()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root") return false;
        try
        {
            using var probe = new SmallFilesystem(1);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void Mount(params string[] arguments) => Run("mount", arguments);

    private static void Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using Process process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', arguments)}: {error}");
    }
}

public sealed class SmallFilesystemFactAttribute : FactAttribute
{
    private static readonly Lazy<bool> Available = new(SmallFilesystem.CanMount);

    public SmallFilesystemFactAttribute()
    {
        if (!Available.Value) Skip = "needs root and mount(8) to make a small tmpfs that fills up";
    }
}

public sealed class DiskFullTests
{
    [SmallFilesystemFact]
    public void A_full_disk_stops_the_writer_with_a_clear_error_and_leaves_every_committed_batch_readable()
    {
        using var filesystem = new SmallFilesystem(megabytes: 3);
        string db = Path.Combine(filesystem.Path, "full.sniffer.db");
        (SessionStoreFullException full, long committed) = FillUp(db);

        Assert.Equal($"disk full while writing {db}; the database holds every batch committed before ({committed} records)", full.Message);
        Assert.True(committed > 0);
        // The failed writer is garbage now. LiteDB's finalizer of its failed transaction would throw and end the process.
        GC.Collect();
        GC.WaitForPendingFinalizers();

        // Once there is room again the file opens with exactly the batches committed before the failure.
        filesystem.Grow(megabytes: 64);
        using var reader = SessionStoreReader.Open(db);
        Assert.Equal(committed, reader.CountHttp());
        Assert.Equal(Enumerable.Range(1, (int)committed).Select(i => (long)i), reader.Http(Page.First(int.MaxValue)).Select(h => h.Record.FlowId));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (SessionStoreFullException Full, long Committed) FillUp(string db)
    {
        var writer = SessionStoreWriter.Open(db, new SessionStoreWriterOptions { BatchSize = 100 });
        writer.BeginCapture(new CaptureSource("x"));
        var full = Assert.Throws<SessionStoreFullException>(() =>
        {
            for (int flow = 1; flow <= 1_000_000; flow++) writer.Emit(SyntheticRecords.PlainHttp(flow, 1));
        });
        Assert.Same(full, Assert.Throws<SessionStoreFullException>(writer.Complete));
        return (full, writer.RecordsCommitted);
    }
}
