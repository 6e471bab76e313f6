using Sniffer.Storage;
using Sniffer.TestSupport;
using Xunit;

namespace Sniffer.Ui.Tests;

/// <summary><c>sniffer ui</c> refuses what it cannot show with one line and exit code 1, before taking over the screen.</summary>
public sealed class UiCommandTests : IDisposable
{
    private readonly TestDatabase _database = new([]);

    public void Dispose() => _database.Dispose();

    [Fact]
    public void A_missing_file_is_an_error()
    {
        (int exit, string error) = Sniffer("ui", Path.Combine(_database.Folder, "missing.sniffer.db"));
        Assert.Equal(1, exit);
        Assert.Contains("missing.sniffer.db does not exist", error);
    }

    [Fact]
    public void A_capture_is_not_a_session_database()
    {
        (int exit, string error) = Sniffer("ui", Path.Combine(RepositoryPaths.Captures, "tcp", "vlan.pcap"));
        Assert.Equal(1, exit);
        Assert.Contains("is not a session database (make one with 'sniffer open CAPTURE')", error);
    }

    [Fact]
    public void A_database_another_process_is_writing_is_refused()
    {
        using var writer = SessionStoreWriter.Open(_database.Path);
        (int exit, string error) = Sniffer("ui", _database.Path);
        Assert.Equal(1, exit);
        Assert.Contains("is in use by another process", error);
    }

    private static (int Exit, string Error) Sniffer(params string[] arguments)
    {
        ProcessResult run = SnifferProcess.Run(arguments);
        return (run.ExitCode, run.StandardError + run.StandardOutput);
    }
}
