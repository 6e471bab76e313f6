using LiteDB;

namespace Sniffer.Storage.Mapping;

/// <summary>
/// Writes body and message content in LiteDB's file-storage layout (GridFS's): one file document per SHA-256 in
/// <see cref="StoreCollections.BodyFiles"/> and the bytes in chunk documents of at most 255 KB, <c>{_id: {f, n}, data}</c>,
/// in <see cref="StoreCollections.BodyChunks"/>. Readers open them with LiteStorage as any LiteDB tool would.
/// <para>
/// They are written as documents rather than through LiteStorage.Upload because an upload allocates two 255 KB
/// buffers whatever the file's size (LiteFileStream's write buffer and the chunk it copies out of it), both on the
/// large object heap: `open` of the 1 GB veth capture, 30,000 small bodies and messages, allocated 13 GB that way
/// and ran 191 full collections.
/// </para>
/// </summary>
internal static class BodyFiles
{
    /// <summary>LiteFileStream's chunk size: files written here read back chunk for chunk as LiteStorage would have written them.</summary>
    public const int ChunkBytes = LiteFileStream<string>.MAX_CHUNK_SIZE;

    // LiteStorage derives the type from the file name's extension; a hash has none.
    private const string MimeType = "application/octet-stream";

    /// <summary>Adds the content not yet stored to the current transaction; content is stored once per hash.</summary>
    public static void Insert(LiteDatabase database, IReadOnlyDictionary<string, byte[]> bodies)
    {
        ILiteCollection<BsonDocument> files = database.GetCollection(StoreCollections.BodyFiles);
        var newFiles = new List<BsonDocument>();
        var newChunks = new List<BsonDocument>();
        foreach (var (sha256, content) in bodies)
        {
            if (files.FindById(sha256) is not null) continue;
            int chunks = 0;
            for (int offset = 0; offset < content.Length; offset += ChunkBytes)
            {
                int length = Math.Min(ChunkBytes, content.Length - offset);
                byte[] data = length == content.Length ? content : content.AsSpan(offset, length).ToArray();
                newChunks.Add(new BsonDocument
                {
                    ["_id"] = new BsonDocument { ["f"] = sha256, ["n"] = chunks++ },
                    ["data"] = data,
                });
            }
            newFiles.Add(new BsonDocument
            {
                ["_id"] = sha256,
                ["filename"] = sha256,
                ["mimeType"] = MimeType,
                ["length"] = (long)content.Length,
                ["chunks"] = chunks,
                ["uploadDate"] = DateTime.Now,
                ["metadata"] = new BsonDocument(),
            });
        }
        if (newChunks.Count > 0) database.GetCollection(StoreCollections.BodyChunks).InsertBulk(newChunks, newChunks.Count);
        if (newFiles.Count > 0) files.InsertBulk(newFiles, newFiles.Count);
    }
}
