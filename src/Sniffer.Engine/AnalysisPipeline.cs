using Sniffer.Analysis.Http;
using Sniffer.Analysis.Mail;
using Sniffer.Core.Dissection;
using Sniffer.Core.Packets;
using Sniffer.Core.Records;
using Sniffer.Decoding;
using Sniffer.Dissectors.Http;
using Sniffer.Dissectors.Imap;
using Sniffer.Dissectors.Mail;
using Sniffer.Dissectors.Smtp;
using Sniffer.Reassembly;

namespace Sniffer.Engine;

/// <summary>
/// The hot path, frame by frame: decode → reassemble → dissect. Owns the decoder, the flow table and the dissector
/// registry of one analysis run. With <see cref="PipelineOptions.Workers"/> = 1 everything runs on the caller's
/// thread; with more, the caller's thread decodes and flows are reassembled and dissected by that many workers
/// (<see cref="ShardedReassembly"/>, which says in what order records then arrive). Records always reach the sink on
/// the caller's thread.
/// </summary>
public sealed class AnalysisPipeline : IDisposable
{
    private readonly PacketDecoder _decoder;
    private readonly TcpReassembler? _reassembler;
    private readonly ShardedReassembly? _shards;
    private readonly PipelineStatistics _statistics;
    private readonly HttpAnalysis? _httpAnalysis;
    private readonly MailAnalysis? _mailAnalysis;
    private const long FragmentExpiryIntervalNs = 1_000_000_000;
    private long _lastExpiryNs = long.MinValue / 2;
    private bool _completed;

    public AnalysisPipeline(PipelineOptions options, IRecordSink sink)
    {
        Registry = BuildRegistry(options);
        // Taps see every record on its way to the sink (Wireshark's taps), and add their results at the end.
        if (options.RunAnalyses)
        {
            _mailAnalysis = new MailAnalysis(next: sink);
            _httpAnalysis = new HttpAnalysis(next: _mailAnalysis);
        }
        IRecordSink tapped = _httpAnalysis ?? sink;
        ReassemblyOptions reassembly = options.Reassembly with { Dissector = options.Dissectors };
        ReassemblyCounters counters;
        if (options.Workers > 1)
        {
            _shards = new ShardedReassembly(options.Workers, reassembly, Registry, tapped);
            _decoder = new PacketDecoder(options.Decoder, _shards.DecoderSink);
            counters = _shards.Counters;
        }
        else
        {
            _decoder = new PacketDecoder(options.Decoder, tapped);
            _reassembler = new TcpReassembler(reassembly, Registry, tapped);
            counters = _reassembler.Counters;
        }
        _statistics = new PipelineStatistics(_decoder.Counters, counters);
    }

    public DissectorRegistry Registry { get; }

    /// <summary>What the plug-in folder held: dissectors loaded and assemblies that could not be loaded.</summary>
    public PluginLoadReport PluginReport { get; private set; } = new([], []);

    public PipelineStatistics Statistics => _statistics;

    /// <summary>
    /// Bytes the unfinished bodies, messages and literals of all flows keep now, against
    /// ReassemblyOptions.MaxKeptBytesTotal; zero once <see cref="Complete"/> has ended every flow.
    /// </summary>
    public long KeptBytesHeld => _shards?.KeptBytesHeld ?? _reassembler!.KeptBytesBudget.HeldBytes;

    /// <summary>Cookie jars, conditional-GET savings, connection reuse and latency; set by <see cref="Complete"/>.</summary>
    public HttpAnalysisReport? HttpReport { get; private set; }

    /// <summary>The SMTP→IMAP mail paths and the mail summary; set by <see cref="Complete"/>.</summary>
    public IReadOnlyList<SnifferRecord> MailResults { get; private set; } = [];

    public void Process(in CaptureFrame frame)
    {
        _statistics.Observe(frame.TimestampNs);
        _shards?.BeginFrame();
        if (_decoder.Decode(frame, out TcpSegment segment) == DecodeResult.Tcp)
        {
            if (_shards is not null) _shards.Dispatch(segment);
            else _reassembler!.Process(segment);
        }
        _shards?.EndDecode();
        // Fragment timeouts run on capture time, not wall time, so a file analysed twice gives the same result.
        // (The flow table sweeps its idle flows itself, from the segments' times.)
        if (frame.TimestampNs - _lastExpiryNs >= FragmentExpiryIntervalNs)
        {
            _lastExpiryNs = frame.TimestampNs;
            _decoder.ExpireFragments(frame.TimestampNs);
        }
    }

    /// <summary>
    /// Live capture only: time passed without packets. Ends the flows that went idle or finished lingering after
    /// their close by <paramref name="nowNs"/> (the clock libpcap stamps packets with), so a quiet interface still
    /// shows its closed connections instead of waiting for the next packet to sweep them. A file is never ticked:
    /// its analysis depends on capture time alone. The sharded path sweeps per round and is not ticked either.
    /// </summary>
    public void AdvanceClock(long nowNs)
    {
        if (_completed || _reassembler is null || !_statistics.HasPackets || nowNs < _statistics.LastPacketNs) return;
        _reassembler.ExpireIdle(nowNs);
        _decoder.ExpireFragments(nowNs);
    }

    /// <summary>End of input: ends every flow (close reason "end of capture"), then lets the taps emit their results. Idempotent.</summary>
    public void Complete()
    {
        if (_completed) return;
        _completed = true;
        long endNs = _statistics.HasPackets ? _statistics.LastPacketNs : 0;
        if (_shards is not null) _shards.Complete(endNs);
        else _reassembler!.Complete(endNs);
        HttpReport = _httpAnalysis?.Complete();
        MailResults = _mailAnalysis?.Complete() ?? [];
    }

    public void Dispose()
    {
        try
        {
            Complete();
        }
        finally
        {
            _shards?.Dispose();
        }
    }

    private DissectorRegistry BuildRegistry(PipelineOptions options)
    {
        var registry = new DissectorRegistry();
        registry.Add(new HttpDissectorFactory());
        // One summary cache for both mail protocols: a message submitted over SMTP is parsed once, not again at each IMAP fetch.
        var summaries = new MessageSummaryCache();
        registry.Add(new SmtpDissectorFactory(summaries));
        registry.Add(new ImapDissectorFactory(summaries));
        // The default folder usually does not exist; a folder the user named must.
        if (options.PluginDirectory is { } folder && (Directory.Exists(folder) || !options.PluginDirectoryIsDefault))
        {
            PluginReport = new PluginLoader(registry).LoadFrom(folder);
        }
        foreach (PortMapping mapping in options.PortMappings)
        {
            try
            {
                registry.Map(mapping.Port, mapping.Protocol);
            }
            catch (ArgumentException error)
            {
                throw new PipelineConfigurationException($"--map {mapping}: {error.Message}");
            }
        }
        return registry;
    }
}

/// <summary>What a run has seen so far: the decoder's and flow table's counters plus the capture's time span.</summary>
public sealed class PipelineStatistics(DecoderCounters decoding, ReassemblyCounters reassembly)
{
    public DecoderCounters Decoding { get; } = decoding;

    public ReassemblyCounters Reassembly { get; } = reassembly;

    public long FirstPacketNs { get; private set; } = long.MaxValue;

    public long LastPacketNs { get; private set; } = long.MinValue;

    public bool HasPackets => FirstPacketNs != long.MaxValue;

    internal void Observe(long timestampNs)
    {
        if (timestampNs < FirstPacketNs) FirstPacketNs = timestampNs;
        if (timestampNs > LastPacketNs) LastPacketNs = timestampNs;
    }
}

/// <summary>The options of a run contradict what is available (an unknown protocol in --map).</summary>
public sealed class PipelineConfigurationException(string message) : Exception(message);
