using LiteDB;
using Xunit;

namespace Sniffer.Storage.Tests;

public sealed class LockAndSchemaTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_second_writer_is_refused_with_the_lock_file_named()
    {
        string db = _folder.File("one.sniffer.db");
        using var first = SessionStoreWriter.Open(db);

        var refusal = Assert.Throws<SessionStoreException>(() => SessionStoreWriter.Open(db));
        Assert.Contains($"{db} is in use by another process ({db}.lock is locked): only one process may write it", refusal.Message);
        Assert.Throws<SessionStoreException>(() => SessionStoreReader.Open(db));
    }

    [Fact]
    public void A_second_writer_in_another_process_is_refused()
    {
        string db = _folder.File("one.sniffer.db");
        using var child = new HelperProcess("ingest-until-killed", db);
        child.WaitUntilReady();

        Assert.Throws<SessionStoreException>(() => SessionStoreWriter.Open(db));
        child.KillHard();
        // The kernel released the dead child's lock: no stale lock file blocks the next writer.
        using var next = SessionStoreWriter.Open(db);
    }

    [Fact]
    public void Readers_share_the_file_and_keep_writers_out()
    {
        string db = _folder.File("shared.sniffer.db");
        SessionStoreWriter.Open(db).Complete();

        using var one = SessionStoreReader.Open(db);
        using var two = SessionStoreReader.Open(db);
        Assert.Throws<SessionStoreException>(() => SessionStoreWriter.Open(db));
    }

    [Fact]
    public void A_write_ahead_log_left_beside_a_new_database_is_named_in_a_clear_error()
    {
        // A writer killed mid-run leaves NAME-log.db; deleting only NAME.db and opening it again finds the stale log.
        string killed = _folder.File("killed.sniffer.db");
        string fresh = _folder.File("fresh.sniffer.db");
        using (var writer = SessionStoreWriter.Open(killed, new SessionStoreWriterOptions { BatchSize = 1 }))
        {
            writer.BeginCapture(new CaptureSource("x"));
            // 12 MB of bodies pass LiteDB's checkpoint (1,000 pages of log): the log then holds only later pages.
            for (int i = 1; i <= 12; i++)
            {
                byte[] body = new byte[1 << 20];
                Random.Shared.NextBytes(body);
                writer.Emit(SyntheticRecords.FullHttp(i, body, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body))));
            }
            for (int i = 1; i <= 50; i++) writer.Emit(SyntheticRecords.Flow(i));
            writer.Flush();
            File.Copy(SessionStore.LogPathOf(killed), SessionStore.LogPathOf(fresh));
        }

        var refusal = Assert.Throws<SessionStoreException>(() => SessionStoreWriter.Open(fresh));
        Assert.StartsWith($"{fresh} cannot be read (LiteDB: ", refusal.Message);
        Assert.EndsWith($"its write-ahead log {SessionStore.LogPathOf(fresh)} may belong to a database that was deleted without it", refusal.Message);
    }

    [Fact]
    public void A_database_of_another_schema_version_is_refused_with_both_versions()
    {
        string db = _folder.File("old.sniffer.db");
        using (var raw = new LiteDatabase(db))
            raw.GetCollection(StoreCollections.Meta).Insert(new BsonDocument { ["_id"] = "schema", ["application"] = "sniffer", ["version"] = 99 });

        var refusal = Assert.Throws<SessionStoreException>(() => SessionStoreReader.Open(db));
        Assert.Equal(
            $"{db} has Sniffer schema version 99; this sniffer reads version {SessionStore.SchemaVersion}. " +
            "Analyse the captures again to rebuild it (sniffer open CAPTURE... --db NEW.sniffer.db)", refusal.Message);
        Assert.Throws<SessionStoreException>(() => SessionStoreWriter.Open(db));
    }

    [Fact]
    public void A_file_that_is_not_LiteDB_is_refused_and_left_untouched()
    {
        string db = _folder.File("notes.txt");
        byte[] content = new byte[20_000];
        new Random(5).NextBytes(content);
        File.WriteAllBytes(db, content);

        var refusal = Assert.Throws<SessionStoreException>(() => SessionStoreWriter.Open(db));
        Assert.StartsWith($"{db} is not a Sniffer database", refusal.Message);
        Assert.Equal(content, File.ReadAllBytes(db));
    }

    [Fact]
    public void A_LiteDB_file_of_another_application_is_refused()
    {
        string db = _folder.File("other.db");
        using (var raw = new LiteDatabase(db)) raw.GetCollection("customers").Insert(new BsonDocument { ["name"] = "x" });

        var refusal = Assert.Throws<SessionStoreException>(() => SessionStoreWriter.Open(db));
        Assert.Equal($"{db} is a LiteDB file but not a Sniffer database (it has no schema stamp)", refusal.Message);
    }

    [Fact]
    public void Reading_a_missing_database_says_so_without_creating_it()
    {
        string db = _folder.File("missing.sniffer.db");
        var refusal = Assert.Throws<SessionStoreException>(() => SessionStoreReader.Open(db));
        Assert.Equal($"{db} does not exist", refusal.Message);
        Assert.False(File.Exists(db));
    }
}
