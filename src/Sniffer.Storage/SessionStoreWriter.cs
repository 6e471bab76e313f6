using System.Diagnostics;
using System.Threading.Channels;
using LiteDB;
using Sniffer.Core.Dissection;
using Sniffer.Core.Records;
using Sniffer.Dissectors.Http.Records;
using Sniffer.Dissectors.Mail;
using Sniffer.Storage.Mapping;

namespace Sniffer.Storage;

/// <summary>How a writer batches. The defaults keep a batch small enough to commit in a few milliseconds and a crash to lose at most 200 ms.</summary>
public sealed record SessionStoreWriterOptions
{
    /// <summary>Records per committed batch.</summary>
    public int BatchSize { get; init; } = 2000;

    /// <summary>A batch is committed at the latest this long after its first record arrived.</summary>
    public TimeSpan MaxBatchDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Records queued before <see cref="SessionStoreWriter.Emit"/> blocks the pipeline.</summary>
    public int QueueCapacity { get; init; } = 16_384;

    /// <summary>
    /// Body and message bytes queued or in the uncommitted batch before <see cref="SessionStoreWriter.Emit"/> blocks:
    /// records carry their kept bodies (up to 16 MB each), so a bound on records alone is no bound on memory. When
    /// the writer is the slower side (`open` of a capture of large bodies) the queue stays full, so this is memory
    /// held for the whole run: 32 MB rather than 64 MB took 40-50 MB off the peak of a 4 GB `open` without slowing it.
    /// </summary>
    public long MaxQueuedBytes { get; init; } = 32L << 20;

    public RecordMappings Mappings { get; init; } = RecordMappings.CreateDefault();
}

/// <summary>
/// The one writer of a session database. The analysis thread emits records into a bounded queue; a
/// dedicated thread owns the LiteDatabase, drains the queue, and commits one explicit transaction per batch
/// (one InsertBulk of a materialised list per collection). LiteDB transactions are bound to the OS thread,
/// which is why the writer is a thread and not a task.
/// <para>
/// Durability: a batch is committed whole or not at all, so after kill -9 the file opens with exactly the
/// batches committed before — records in emission order, a prefix of what was emitted. A full queue blocks
/// <see cref="Emit"/> (backpressure) rather than dropping; a failed write is rethrown to the emitting thread.
/// </para>
/// </summary>
public sealed class SessionStoreWriter : IRecordSink, IDisposable
{
    private readonly string _path;
    private readonly StoreLock _lock;
    private readonly LiteDatabase _database;
    private readonly SessionStoreWriterOptions _options;
    private readonly Channel<object> _queue;
    private readonly Thread _thread;
    private readonly HashSet<IRecordMapping> _indexed = [];
    private readonly Dictionary<int, BsonDocument> _captures = [];
    private int _lastCapture;
    private int _currentCapture;
    private long _recordsCommitted;
    private long _batchesCommitted;
    private volatile Exception? _failure;
    private readonly object _budget = new();
    private long _queuedBytes;

    // Fields, headers and documents of a record, roughly: enough that many small records also count.
    private const int RecordOverheadBytes = 1024;

    // Emitters waiting for budget look again this often, so a failed writer never leaves them waiting.
    private static readonly TimeSpan BudgetPoll = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Databases whose writer failed. LiteDB 5.0.21 leaves the transaction of a commit that failed mid-write (a full
    /// disk) undisposed, and its finalizer throws ("discarded page must be writable"), killing the process at a
    /// later GC. Keeping the broken instance reachable means that finalizer never runs; one per failure is the cost.
    /// </summary>
    private static readonly System.Collections.Concurrent.ConcurrentBag<LiteDatabase> KeepReachable = [];
    private bool _completed;

    private SessionStoreWriter(string path, StoreLock storeLock, LiteDatabase database, SessionStoreWriterOptions options)
    {
        _path = path;
        _lock = storeLock;
        _database = database;
        _options = options;
        _queue = Channel.CreateBounded<object>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _lastCapture = (int)LastId(database, StoreCollections.Captures);
        foreach (IRecordMapping mapping in options.Mappings.Known) EnsureIndexes(mapping);
        _thread = new Thread(Run) { Name = "session store writer", IsBackground = true };
        _thread.Start();
    }

    /// <summary>Opens or creates <paramref name="path"/> for writing; refuses if another process holds it or its schema differs.</summary>
    public static SessionStoreWriter Open(string path, SessionStoreWriterOptions? options = null)
    {
        path = System.IO.Path.GetFullPath(path);
        StoreLock storeLock = StoreLock.ForWriting(path);
        try
        {
            return new SessionStoreWriter(path, storeLock, SessionStore.Open(path, readOnly: false), options ?? new SessionStoreWriterOptions());
        }
        catch
        {
            storeLock.Dispose();
            throw;
        }
    }

    public string Path => _path;

    /// <summary>Records in committed batches; what a crash now would keep.</summary>
    public long RecordsCommitted => Interlocked.Read(ref _recordsCommitted);

    public long BatchesCommitted => Interlocked.Read(ref _batchesCommitted);

    /// <summary>Starts a capture: records emitted from now on belong to it. Returns its id.</summary>
    public int BeginCapture(CaptureSource source)
    {
        int id = Interlocked.Increment(ref _lastCapture);
        Enqueue(new CaptureStart(id, source));
        return id;
    }

    /// <summary>Ends the current capture with its totals (written in the same batch as its last records).</summary>
    public void EndCapture(CaptureTotals totals) => Enqueue(new CaptureEnd(totals));

    /// <summary>Queues the record; blocks while the queue is full.</summary>
    public void Emit(SnifferRecord record)
    {
        Reserve(Weight(record));
        Enqueue(record);
    }

    /// <summary>Body and message bytes emitted and not yet committed (see <see cref="SessionStoreWriterOptions.MaxQueuedBytes"/>).</summary>
    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    /// <summary>Returns once everything emitted before the call is committed.</summary>
    public void Flush()
    {
        var flushed = new FlushRequest();
        Enqueue(flushed);
        flushed.Done.Wait();
        ThrowIfFailed();
    }

    /// <summary>Commits what is queued, stops the writer thread and closes the file (checkpointing its log). Idempotent.</summary>
    public void Complete()
    {
        if (_completed) return;
        _completed = true;
        _queue.Writer.TryComplete();
        _thread.Join();
        try
        {
            _database.Dispose();
        }
        catch (Exception) when (_failure is not null)
        {
            // The checkpoint failed like the write before it; the log file keeps the committed batches for the next open.
        }
        finally
        {
            _lock.Dispose();
        }
        ThrowIfFailed();
    }

    public void Dispose() => Complete();

    /// <summary>A reader over this writer's database, for a UI in the same process: it sees each batch once committed.</summary>
    public SessionStoreReader CreateReader() => new(_database, _options.Mappings, owned: null);

    private void Enqueue(object item)
    {
        ThrowIfFailed();
        if (_queue.Writer.TryWrite(item)) return;
        try
        {
            // The analysis thread is not async; blocking here is the backpressure.
            while (_queue.Writer.WaitToWriteAsync().AsTask().GetAwaiter().GetResult())
            {
                if (_queue.Writer.TryWrite(item)) return;
            }
        }
        catch (ChannelClosedException)
        {
        }
        ThrowIfFailed();
        throw new InvalidOperationException($"the writer of {_path} is complete");
    }

    /// <summary>
    /// Waits until the record's bytes fit the budget. One record is always let through when nothing is queued, so a
    /// body larger than the budget is stored rather than waited for forever.
    /// </summary>
    private void Reserve(long weight)
    {
        lock (_budget)
        {
            while (_queuedBytes > 0 && _queuedBytes + weight > _options.MaxQueuedBytes && _failure is null)
            {
                Monitor.Wait(_budget, BudgetPoll);
            }
            _queuedBytes += weight;
        }
    }

    private void Release(long weight)
    {
        lock (_budget)
        {
            _queuedBytes -= weight;
            Monitor.PulseAll(_budget);
        }
    }

    /// <summary>What a queued record holds beyond its fields: its kept bodies or raw message.</summary>
    internal static long Weight(SnifferRecord record) => RecordOverheadBytes + record switch
    {
        HttpTransaction t => (t.Request?.Body?.Content.Length ?? 0) + (t.Response?.Body?.Content.Length ?? 0),
        MailMessage m => m.Raw.Length,
        _ => 0,
    };

    private void ThrowIfFailed()
    {
        if (_failure is { } failure) throw failure;
    }

    private void Run()
    {
        ChannelReader<object> queue = _queue.Reader;
        var batch = new StoreBatch(LastStoredId);
        var dirtyCaptures = new List<BsonDocument>();
        var flushes = new List<FlushRequest>();
        Task<bool>? waiting = null;
        long batchStarted = 0;
        try
        {
            while (true)
            {
                while (batch.Count < _options.BatchSize && queue.TryRead(out object? item))
                {
                    if (batch.Count == 0 && dirtyCaptures.Count == 0) batchStarted = Stopwatch.GetTimestamp();
                    Add(item, batch, dirtyCaptures, flushes);
                }
                bool pending = batch.Count > 0 || dirtyCaptures.Count > 0;
                TimeSpan left = pending ? _options.MaxBatchDelay - Stopwatch.GetElapsedTime(batchStarted) : Timeout.InfiniteTimeSpan;
                // A batch holding half the byte budget commits at once: emitters may be waiting for those bytes.
                if (pending && (batch.Count >= _options.BatchSize || batch.Weight >= _options.MaxQueuedBytes / 2 || flushes.Count > 0 || left <= TimeSpan.Zero))
                {
                    Commit(batch, dirtyCaptures);
                    foreach (FlushRequest flush in flushes) flush.Done.Set();
                    flushes.Clear();
                    continue;
                }
                foreach (FlushRequest flush in flushes) flush.Done.Set();
                flushes.Clear();
                // One outstanding wait at a time: a single-reader channel allows no more.
                waiting ??= queue.WaitToReadAsync().AsTask();
                if (!waiting.Wait(left)) continue;
                if (!waiting.Result) break;
                waiting = null;
            }
            if (batch.Count > 0 || dirtyCaptures.Count > 0) Commit(batch, dirtyCaptures);
        }
        catch (Exception error)
        {
            _failure = Describe(error);
            KeepReachable.Add(_database);
            _queue.Writer.TryComplete();
            Release(0);
        }
        finally
        {
            foreach (FlushRequest flush in flushes) flush.Done.Set();
            // Anything still queued (emitters raced the failure) must not leave a flusher waiting forever.
            while (queue.TryRead(out object? item)) (item as FlushRequest)?.Done.Set();
        }
    }

    private void Add(object item, StoreBatch batch, List<BsonDocument> dirtyCaptures, List<FlushRequest> flushes)
    {
        switch (item)
        {
            case SnifferRecord record:
                IRecordMapping mapping = _options.Mappings.For(record.GetType());
                EnsureIndexes(mapping);
                var document = new BsonDocument
                {
                    [StoredFields.Id] = batch.NextId(mapping.Collection),
                    [StoredFields.Capture] = _currentCapture,
                    [StoredFields.Flow] = record.FlowId,
                    [StoredFields.Time] = record.TimeNs,
                };
                mapping.Write(record, document, batch);
                batch.Records++;
                batch.Weight += Weight(record);
                break;
            case CaptureStart start:
                _currentCapture = start.Id;
                _captures[start.Id] = StoredCapture.Begin(start.Id, start.Source);
                dirtyCaptures.Add(_captures[start.Id]);
                break;
            case CaptureEnd end when _captures.TryGetValue(_currentCapture, out BsonDocument? capture):
                StoredCapture.End(capture, end.Totals);
                if (!dirtyCaptures.Contains(capture)) dirtyCaptures.Add(capture);
                break;
            case CaptureEnd:
                throw new InvalidOperationException("EndCapture without BeginCapture");
            case FlushRequest flush:
                flushes.Add(flush);
                break;
        }
    }

    private void Commit(StoreBatch batch, List<BsonDocument> dirtyCaptures)
    {
        _database.BeginTrans();
        try
        {
            foreach (var (collection, documents) in batch.Documents)
            {
                if (documents.Count > 0) _database.GetCollection(collection).InsertBulk(documents, documents.Count);
            }
            if (batch.Bodies.Count > 0) BodyFiles.Insert(_database, batch.Bodies);
            foreach (BsonDocument capture in dirtyCaptures) _database.GetCollection(StoreCollections.Captures).Upsert(capture);
            _database.Commit();
        }
        catch
        {
            try
            {
                _database.Rollback();
            }
            catch (IOException)
            {
                // The disk that refused the batch may refuse the rollback too; the first error says why.
            }
            throw;
        }
        Interlocked.Add(ref _recordsCommitted, batch.Records);
        Interlocked.Increment(ref _batchesCommitted);
        Release(batch.Weight);
        batch.Clear();
        dirtyCaptures.Clear();
    }

    private void EnsureIndexes(IRecordMapping mapping)
    {
        if (_indexed.Add(mapping)) mapping.EnsureIndexes(_database);
    }

    private long LastStoredId(string collection) => LastId(_database, collection);

    /// <summary>The highest id so far, read from the _id index's end (LiteDB's Max() throws on an empty collection).</summary>
    private static long LastId(LiteDatabase database, string collection) =>
        database.GetCollection(collection).Query().OrderByDescending("_id").Limit(1).ToList() is [var last] ? last["_id"].AsInt64 : 0;

    private Exception Describe(Exception error) => IsDiskFull(error)
        ? new SessionStoreFullException(
            $"disk full while writing {_path}; the database holds every batch committed before ({RecordsCommitted} records)", error)
        : error;

    private static bool IsDiskFull(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is not IOException) continue;
            // On Unix .NET puts errno in HResult: ENOSPC 28, EDQUOT 122. Windows: ERROR_HANDLE_DISK_FULL, ERROR_DISK_FULL.
            if (OperatingSystem.IsWindows() ? (e.HResult & 0xFFFF) is 0x27 or 0x70 : e.HResult is 28 or 122) return true;
        }
        return false;
    }

    private sealed record CaptureStart(int Id, CaptureSource Source);

    private sealed record CaptureEnd(CaptureTotals Totals);

    private sealed class FlushRequest
    {
        public ManualResetEventSlim Done { get; } = new();
    }
}
