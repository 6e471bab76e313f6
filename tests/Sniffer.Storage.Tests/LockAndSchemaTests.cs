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
