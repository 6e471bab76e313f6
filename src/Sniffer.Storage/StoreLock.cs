namespace Sniffer.Storage;

/// <summary>
/// The advisory lock beside a database (<c>NAME.sniffer.db.lock</c>). LiteDB's direct mode does not lock
/// the file across processes on Linux, so two writers would interleave pages and corrupt it. On Unix .NET
/// takes flock(2) when it opens a file: <see cref="FileShare.None"/> gives LOCK_EX, anything else LOCK_SH,
/// so one writer excludes readers and other writers while readers share. The kernel drops the lock when the
/// process dies, so kill -9 never leaves a stale lock behind.
/// </summary>
internal sealed class StoreLock : IDisposable
{
    private readonly FileStream _file;

    private StoreLock(FileStream file) => _file = file;

    public static string PathFor(string databasePath) => databasePath + ".lock";

    /// <summary>Exclusive: the one process that writes.</summary>
    public static StoreLock ForWriting(string databasePath) =>
        new(Acquire(databasePath, FileShare.None, "only one process may write it at a time"));

    /// <summary>Shared: any number of readers, none while a writer holds it.</summary>
    public static StoreLock ForReading(string databasePath) =>
        new(Acquire(databasePath, FileShare.ReadWrite, "it cannot be read while it is being written"));

    private static FileStream Acquire(string databasePath, FileShare share, string consequence)
    {
        string path = PathFor(databasePath);
        try
        {
            // The lock file stays when released: deleting it would let a process that opened the old inode lock it
            // while a third creates and locks a new file, and both would believe they own the database.
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, share);
        }
        catch (IOException error) when (error is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new SessionStoreException($"{databasePath} is in use by another process ({path} is locked): {consequence}", error);
        }
    }

    public void Dispose() => _file.Dispose();
}
