using LiteDB;

namespace Sniffer.Storage;

/// <summary>
/// The layout of a session database and the checks made when one is opened. One LiteDB file holds one
/// analysis: several captures, and the records their traffic produced (see SCHEMA.md beside this file).
/// </summary>
public static class SessionStore
{
    /// <summary>Bumped whenever a document shape or index changes in a way older readers would misread.</summary>
    public const int SchemaVersion = 2;

    /// <summary>The default database of a capture: <c>NAME.sniffer.db</c> beside it.</summary>
    public static string DefaultPathFor(string capturePath) => capturePath + ".sniffer.db";

    private const string SchemaKey = "schema";
    private const string Application = "sniffer";

    // LiteDB 5.0.21's BsonMapper publishes an entity's mapper before it has filled in the members, so two threads reading
    // their first stored body at once (the UI and an export, parallel tests) could see it half built: "Collection was
    // modified" from LiteStorage.FindById. Reading one file description here builds it once, under the type
    // initializer's lock, before any store opens.
    static SessionStore() => BsonMapper.Global.ToObject<LiteFileInfo<string>>(new BsonDocument { ["_id"] = "" });

    /// <summary>
    /// Opens the file in direct mode — one long-lived instance per process; shared mode reopens the file on
    /// every call and is meant only for several processes, which <see cref="StoreLock"/> excludes.
    /// A new or empty file is stamped with <see cref="SchemaVersion"/> when <paramref name="readOnly"/> is false.
    /// </summary>
    internal static LiteDatabase Open(string path, bool readOnly)
    {
        if (readOnly && !File.Exists(path)) throw new SessionStoreException($"{path} does not exist");
        if (File.Exists(path) && new FileInfo(path).Length > 0 && !IsLiteDbFile(path)) throw new SessionStoreException($"{path} is not a Sniffer database (it is not a LiteDB 5 file)");
        LiteDatabase database;
        try
        {
            database = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct, ReadOnly = readOnly });
            // Opening is lazy: touch the header now so a foreign file fails here, with the message below.
            database.GetCollectionNames().ToList();
        }
        catch (LiteException error)
        {
            throw new SessionStoreException($"{path} is not a Sniffer database (LiteDB: {error.Message})", error);
        }
        try
        {
            CheckSchema(database, path, readOnly);
            return database;
        }
        catch (LiteException error)
        {
            DisposeBroken(database);
            // LiteDB replays the write-ahead log on the first read: a log left by a writer that was killed, beside a
            // data file deleted and made anew, describes pages the new file does not have.
            string log = LogPathOf(path);
            throw new SessionStoreException(File.Exists(log)
                ? $"{path} cannot be read (LiteDB: {error.Message}); its write-ahead log {log} may belong to a database that was deleted without it"
                : $"{path} cannot be read (LiteDB: {error.Message})", error);
        }
        catch
        {
            DisposeBroken(database);
            throw;
        }
    }

    /// <summary>LiteDB's write-ahead log beside a data file: "x.sniffer.db" → "x.sniffer-log.db".</summary>
    public static string LogPathOf(string path) =>
        Path.Combine(Path.GetDirectoryName(path) ?? "", Path.GetFileNameWithoutExtension(path) + "-log" + Path.GetExtension(path));

    private static void DisposeBroken(LiteDatabase database)
    {
        try
        {
            database.Dispose();
        }
        catch (LiteException)
        {
            // Closing checkpoints the same broken log; the error that made us close says what is wrong.
        }
    }

    /// <summary>
    /// True when the file starts with LiteDB 5's header: how <c>sniffer report</c> tells a database from a capture.
    /// Checked before LiteDB opens a file too, because LiteDB reads a foreign header as its own and fails
    /// anywhere (a DateTime out of range, say), or worse, writes to it.
    /// </summary>
    public static bool IsLiteDbFile(string path)
    {
        Span<byte> header = stackalloc byte[HeaderInfoOffset + HeaderInfo.Length + 1];
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length) return false;
        }
        return header.Slice(HeaderInfoOffset, HeaderInfo.Length).SequenceEqual(HeaderInfo) && header[^1] == FileVersion;
    }

    // LiteDB 5's HeaderPage: "** This is a LiteDB file **" at byte 32, then the file format version, 8.
    private const int HeaderInfoOffset = 32;
    private static ReadOnlySpan<byte> HeaderInfo => "** This is a LiteDB file **"u8;
    private const byte FileVersion = 8;

    private static void CheckSchema(LiteDatabase database, string path, bool readOnly)
    {
        BsonDocument? stamp = database.GetCollection(StoreCollections.Meta).FindById(SchemaKey);
        if (stamp is null)
        {
            if (database.GetCollectionNames().Any())
                throw new SessionStoreException($"{path} is a LiteDB file but not a Sniffer database (it has no schema stamp)");
            if (readOnly) throw new SessionStoreException($"{path} is an empty LiteDB file, not a Sniffer database");
            database.GetCollection(StoreCollections.Meta).Insert(new BsonDocument
            {
                ["_id"] = SchemaKey,
                ["application"] = Application,
                ["version"] = SchemaVersion,
            });
            return;
        }
        int version = stamp["version"].IsInt32 ? stamp["version"].AsInt32 : -1;
        if (stamp["application"] != Application || version != SchemaVersion)
            throw new SessionStoreException(
                $"{path} has Sniffer schema version {version}; this sniffer reads version {SchemaVersion}. " +
                "Analyse the captures again to rebuild it (sniffer open CAPTURE... --db NEW.sniffer.db)");
    }
}
