namespace Sniffer.Storage;

/// <summary>
/// A session database cannot be used as asked: not a Sniffer database, another schema version, held by
/// another writer, or the disk filled while writing. It derives from <see cref="IOException"/> because it
/// is about a file the user named, and callers that report file errors should report these the same way.
/// </summary>
public class SessionStoreException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>
/// The disk filled while a batch was written. The batch was rolled back; every batch committed before
/// it is in the file, which still opens.
/// </summary>
public sealed class SessionStoreFullException(string message, Exception inner) : SessionStoreException(message, inner);
