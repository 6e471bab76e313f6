using System.Collections.Concurrent;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Core.Records;
using Sniffer.Decoding;
using Sniffer.Reassembly;

namespace Sniffer.Engine;

/// <summary>
/// Reassembly and dissection spread over worker threads by flow, as Suricata's workers or a Zeek cluster do: the
/// caller's thread reads and decodes (IP fragments are put together there, before any flow is known), copies each TCP
/// segment into the pooled batch of the worker its flow hashes to (<see cref="FlowShard"/>), and every worker owns
/// its own <see cref="TcpReassembler"/> and dissectors.
/// <para>
/// <b>Order.</b> Packets are numbered as they are read and handed out in rounds; once every worker has finished a
/// round, its records are sorted by (packet number, decode → flow table → fragment expiry, worker, emission order) and
/// passed to the sink on the caller's thread. Flows are renumbered in the order of the packets that opened them, so
/// flow ids are those of the single-threaded run. Records caused by a packet therefore arrive exactly as with one
/// worker. Sweeps of idle and closed flows run in every worker at the same packet as they would on one thread; the
/// records a sweep or the end of the capture produces in several workers at once come worker by worker (each
/// worker's in its own flow-table order). Every flow's records keep their order, and a given worker count gives the
/// same sequence on every run.
/// </para>
/// <para>
/// The flow-table limits (<see cref="ReassemblyOptions.MaxFlows"/> and the memory totals) are shared out evenly
/// between the workers, so a capture that reaches them can end different flows than a single-threaded run would.
/// </para>
/// </summary>
internal sealed class ShardedReassembly : IDisposable
{
    private const int RoundsInFlight = 3;
    private const int ArenaBytes = 512 << 10;
    private const int EntriesPerBatch = 4096;

    // A record's FlowId is init-only for its consumers; the merge is the one place that assigns it after
    // construction, before any consumer sees the record.
    private static readonly Action<SnifferRecord, long> SetFlowId = typeof(SnifferRecord)
        .GetProperty(nameof(SnifferRecord.FlowId))!.SetMethod!.CreateDelegate<Action<SnifferRecord, long>>();

    private static readonly Comparison<TaggedRecord> RecordOrder = (a, b) =>
        a.PacketNumber != b.PacketNumber ? a.PacketNumber.CompareTo(b.PacketNumber)
        : a.Phase != b.Phase ? a.Phase.CompareTo(b.Phase)
        : a.Worker != b.Worker ? a.Worker.CompareTo(b.Worker)
        : a.Order.CompareTo(b.Order);

    private readonly Worker[] _workers;
    private readonly IRecordSink _sink;
    private readonly long _sweepIntervalNs;
    private readonly Queue<Round> _inFlight = new();
    private readonly Stack<Round> _freeRounds = new();
    private readonly List<TaggedRecord> _merged = [];
    private readonly ReaderSink _readerSink;
    private Round _filling;
    private long _packetNumber;
    private int _phase;
    private long? _lastSweepNs;
    private long _nextFlowId = 1;
    private bool _stopped;

    public ShardedReassembly(int workers, ReassemblyOptions options, DissectorRegistry registry, IRecordSink sink)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 2);
        _sink = sink;
        _sweepIntervalNs = options.SweepIntervalNs;
        ReassemblyOptions share = options with
        {
            MaxFlows = Math.Max(1, options.MaxFlows / workers),
            MaxBufferedBytesTotal = options.MaxBufferedBytesTotal / workers,
            MaxKeptBytesTotal = options.MaxKeptBytesTotal / workers,
            MaxRetransmissionHistoryBytesTotal = options.MaxRetransmissionHistoryBytesTotal / workers,
        };
        _workers = new Worker[workers];
        for (int i = 0; i < workers; i++) _workers[i] = new Worker(i, share, registry);
        _readerSink = new ReaderSink(this);
        _filling = RentRound();
    }

    /// <summary>The workers' counters added up, as of the last merged round (exact after <see cref="Complete"/>).</summary>
    public ReassemblyCounters Counters { get; } = new();

    /// <summary>What the workers' unfinished bodies, messages and literals keep now, all budgets together.</summary>
    public long KeptBytesHeld => _workers.Sum(worker => worker.Reassembler.KeptBytesBudget.HeldBytes);

    /// <summary>Where the decoder's records go, so that they take their place among the workers' records.</summary>
    public IRecordSink DecoderSink => _readerSink;

    /// <summary>A frame is about to be decoded: what it causes from now on is numbered with it.</summary>
    public void BeginFrame()
    {
        _packetNumber++;
        _phase = 0;
    }

    /// <summary>The frame is decoded; records from now on (fragment expiry) follow its flow-table records.</summary>
    public void EndDecode() => _phase = 2;

    /// <summary>Copies the segment into its worker's batch; the segment's span may be reused afterwards.</summary>
    public void Dispatch(in TcpSegment segment)
    {
        long now = segment.TimestampNs;
        // The single-threaded flow table sweeps when capture time has moved on by the interval (or back); every worker
        // sweeps at that same packet, so flows time out at the same moment whatever the worker count.
        if (_lastSweepNs is not { } lastSweep || now - lastSweep >= _sweepIntervalNs || now < lastSweep)
        {
            _lastSweepNs = now;
            foreach (ShardBatch batch in _filling.Batches) batch.AddSweep(_packetNumber, now);
        }
        int worker = FlowShard.Of(segment.Source, segment.Destination, segment.VlanId, _workers.Length);
        _filling.Batches[worker].Add(_packetNumber, segment);
        if (_filling.IsFull) Ship();
    }

    /// <summary>End of input: every worker ends its flows at <paramref name="endNs"/>; all records reach the sink before this returns.</summary>
    public void Complete(long endNs)
    {
        if (_stopped) return;
        try
        {
            foreach (ShardBatch batch in _filling.Batches) batch.EndCaptureAtNs = endNs;
            Ship();
            while (_inFlight.Count > 0) Merge(_inFlight.Dequeue());
            _lastSweepNs = null;
        }
        finally
        {
            Stop();
        }
    }

    public void Dispose() => Stop();

    private void Stop()
    {
        if (_stopped) return;
        _stopped = true;
        foreach (Worker worker in _workers) worker.Stop();
    }

    private void Ship()
    {
        for (int i = 0; i < _workers.Length; i++) _workers[i].Enqueue(_filling.Batches[i]);
        _inFlight.Enqueue(_filling);
        _filling = RentRound();
        // Bounded look-ahead: the reader waits for the oldest round rather than buffering the capture.
        while (_inFlight.Count > RoundsInFlight) Merge(_inFlight.Dequeue());
    }

    private Round RentRound() => _freeRounds.Count > 0 ? _freeRounds.Pop() : new Round(_workers.Length);

    private void Merge(Round round)
    {
        foreach (ShardBatch batch in round.Batches)
        {
            batch.Done.Wait();
            if (batch.Failure is { } failure) throw new InvalidOperationException($"A flow worker failed: {failure.Message}", failure);
        }
        NumberNewFlows(round);

        _merged.AddRange(round.ReaderRecords);
        foreach (ShardBatch batch in round.Batches) _merged.AddRange(batch.Records);
        _merged.Sort(RecordOrder);
        foreach (TaggedRecord tagged in _merged)
        {
            SnifferRecord record = tagged.Record;
            if (tagged.Worker >= 0 && record.FlowId != 0)
            {
                Dictionary<long, long> ids = _workers[tagged.Worker].GlobalFlowIds;
                if (!ids.TryGetValue(record.FlowId, out long globalId))
                    throw new InvalidOperationException($"worker {tagged.Worker} emitted a record of flow {record.FlowId}, which it never opened");
                // A flow's record is the last one its worker emits for it.
                if (record is FlowRecord) ids.Remove(record.FlowId);
                SetFlowId(record, globalId);
            }
            _sink.Emit(record);
        }
        _merged.Clear();

        Counters.SetToSumOf(_workers.Select(w => w.Reassembler.Counters));
        round.Reset();
        _freeRounds.Push(round);
    }

    /// <summary>
    /// Gives the flows opened in this round their run-wide ids, in the order of the packets that opened them — the order
    /// in which one flow table would have numbered them.
    /// </summary>
    private void NumberNewFlows(Round round)
    {
        Span<int> next = stackalloc int[round.Batches.Length];
        while (true)
        {
            int earliest = -1;
            for (int w = 0; w < round.Batches.Length; w++)
            {
                List<long> openings = round.Batches[w].Openings;
                if (next[w] < openings.Count && (earliest < 0 || openings[next[w]] < round.Batches[earliest].Openings[next[earliest]])) earliest = w;
            }
            if (earliest < 0) return;
            next[earliest]++;
            Worker worker = _workers[earliest];
            worker.GlobalFlowIds.Add(++worker.LocalFlowsNumbered, _nextFlowId++);
        }
    }

    /// <summary>A record and where it sorts: the packet that caused it, the stage, the worker (-1: the reader) and its place there.</summary>
    private readonly record struct TaggedRecord(long PacketNumber, int Phase, int Worker, int Order, SnifferRecord Record);

    /// <summary>One segment (or sweep) as the reader copied it; the payload lives in the batch's arena.</summary>
    private readonly record struct Entry(
        long PacketNumber, NetworkEndpoint Source, NetworkEndpoint Destination, ushort VlanId, uint SequenceNumber,
        uint AcknowledgmentNumber, TcpFlags Flags, ushort Window, TcpOptions Options, int PayloadOffset, int PayloadLength,
        int MissingPayloadBytes, long TimestampNs, long FrameNumber, bool IsSweep);

    /// <summary>The batches of every worker that are handed out and merged together.</summary>
    private sealed class Round(int workers)
    {
        public ShardBatch[] Batches { get; } = Enumerable.Range(0, workers).Select(_ => new ShardBatch()).ToArray();

        public List<TaggedRecord> ReaderRecords { get; } = [];

        public bool IsFull
        {
            get
            {
                foreach (ShardBatch batch in Batches)
                {
                    if (batch.IsFull) return true;
                }
                return false;
            }
        }

        public void Reset()
        {
            foreach (ShardBatch batch in Batches) batch.Reset();
            ReaderRecords.Clear();
        }
    }

    /// <summary>One worker's share of a round: segments in, records and flow openings out. Reused, never reallocated per packet.</summary>
    private sealed class ShardBatch
    {
        private byte[] _arena = new byte[ArenaBytes];
        private readonly Entry[] _entries = new Entry[EntriesPerBatch];
        private int _arenaUsed;

        public int Count { get; private set; }

        /// <summary>Set on the last batch: after its segments the worker ends every flow at this time.</summary>
        public long? EndCaptureAtNs { get; set; }

        /// <summary>Filled by the worker: its records, tagged.</summary>
        public List<TaggedRecord> Records { get; } = [];

        /// <summary>Filled by the worker: the packet number that opened each new flow, in the order of its local flow ids.</summary>
        public List<long> Openings { get; } = [];

        public ManualResetEventSlim Done { get; } = new(false);

        public Exception? Failure { get; set; }

        // Room for one more full-sized segment and the sweep entries that may come with it.
        public bool IsFull => Count >= _entries.Length - 2 || _arenaUsed > _arena.Length - 65536;

        public ref readonly Entry this[int index] => ref _entries[index];

        public ReadOnlySpan<byte> Payload(in Entry entry) => _arena.AsSpan(entry.PayloadOffset, entry.PayloadLength);

        public void Add(long packetNumber, in TcpSegment segment)
        {
            int length = segment.Payload.Length;
            if (_arenaUsed + length > _arena.Length) Array.Resize(ref _arena, _arenaUsed + length);
            segment.Payload.CopyTo(_arena.AsSpan(_arenaUsed));
            _entries[Count++] = new Entry(
                packetNumber, segment.Source, segment.Destination, segment.VlanId, segment.SequenceNumber, segment.AcknowledgmentNumber,
                segment.Flags, segment.Window, segment.Options, _arenaUsed, length, segment.MissingPayloadBytes, segment.TimestampNs,
                segment.FrameNumber, IsSweep: false);
            _arenaUsed += length;
        }

        public void AddSweep(long packetNumber, long nowNs) =>
            _entries[Count++] = new Entry(packetNumber, default, default, 0, 0, 0, TcpFlags.None, 0, TcpOptions.None, 0, 0, 0, nowNs, 0, IsSweep: true);

        public void Reset()
        {
            Count = 0;
            _arenaUsed = 0;
            EndCaptureAtNs = null;
            Records.Clear();
            Openings.Clear();
            Failure = null;
            Done.Reset();
        }
    }

    /// <summary>A thread with its own flow table and dissectors, fed batches in round order.</summary>
    private sealed class Worker : IRecordSink
    {
        private readonly int _index;
        private readonly BlockingCollection<ShardBatch> _input = new();
        private readonly Thread _thread;
        private ShardBatch? _current;
        private long _packetNumber;

        public Worker(int index, ReassemblyOptions options, DissectorRegistry registry)
        {
            _index = index;
            Reassembler = new TcpReassembler(options, registry, this);
            _thread = new Thread(Run) { IsBackground = true, Name = $"sniffer flow worker {index}" };
            _thread.Start();
        }

        public TcpReassembler Reassembler { get; }

        /// <summary>Local flow id → run-wide flow id, for the flows whose record has not been merged yet. Touched by the merge only.</summary>
        public Dictionary<long, long> GlobalFlowIds { get; } = [];

        /// <summary>Local flow ids given a run-wide id so far (local ids count up from 1). Touched by the merge only.</summary>
        public long LocalFlowsNumbered { get; set; }

        public void Enqueue(ShardBatch batch) => _input.Add(batch);

        public void Stop()
        {
            _input.CompleteAdding();
            _thread.Join();
        }

        public void Emit(SnifferRecord record) =>
            _current!.Records.Add(new TaggedRecord(_packetNumber, 1, _index, _current.Records.Count, record));

        private void Run()
        {
            foreach (ShardBatch batch in _input.GetConsumingEnumerable())
            {
                _current = batch;
                try
                {
                    Process(batch);
                }
                catch (Exception failure)
                {
                    // Handed to the reader, which rethrows it when it merges this round.
                    batch.Failure = failure;
                }
                finally
                {
                    batch.Done.Set();
                }
            }
        }

        private void Process(ShardBatch batch)
        {
            for (int i = 0; i < batch.Count; i++)
            {
                ref readonly Entry entry = ref batch[i];
                _packetNumber = entry.PacketNumber;
                if (entry.IsSweep)
                {
                    Reassembler.ExpireIdle(entry.TimestampNs);
                    continue;
                }
                long flowsBefore = Reassembler.Counters.FlowsSeen;
                Reassembler.Process(new TcpSegment(
                    entry.Source, entry.Destination, entry.VlanId, entry.SequenceNumber, entry.AcknowledgmentNumber, entry.Flags,
                    entry.Window, entry.Options, batch.Payload(entry), entry.MissingPayloadBytes, entry.TimestampNs, entry.FrameNumber));
                // A segment opens at most one flow (after ending the one it replaces).
                if (Reassembler.Counters.FlowsSeen != flowsBefore) batch.Openings.Add(entry.PacketNumber);
            }
            if (batch.EndCaptureAtNs is { } endNs)
            {
                _packetNumber = long.MaxValue;
                Reassembler.Complete(endNs);
            }
        }
    }

    /// <summary>Tags the decoder's records with the frame being decoded.</summary>
    private sealed class ReaderSink(ShardedReassembly owner) : IRecordSink
    {
        public void Emit(SnifferRecord record)
        {
            List<TaggedRecord> records = owner._filling.ReaderRecords;
            records.Add(new TaggedRecord(owner._packetNumber, owner._phase, -1, records.Count, record));
        }
    }
}
