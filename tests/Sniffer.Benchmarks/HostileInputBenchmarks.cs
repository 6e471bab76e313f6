using System.Text;
using BenchmarkDotNet.Attributes;
using Sniffer.Benchmarks.Support;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Core.Records;
using Sniffer.Decoding;
using Sniffer.Dissectors.Http;
using Sniffer.Dissectors.Http.Records;
using Sniffer.Dissectors.Imap;
using Sniffer.Dissectors.Imap.Records;
using Sniffer.Dissectors.Mail;
using Sniffer.Dissectors.Smtp;
using Sniffer.Dissectors.Smtp.Records;
using Sniffer.Reassembly;
using Sniffer.TestSupport;
using Sniffer.TestSupport.Synthesis;

namespace Sniffer.Benchmarks;

/// <summary>
/// Hostile inputs whose cost once grew with what the connection or message already held, each at two sizes
/// (<see cref="Scale"/> 1 and 2): linear work takes about twice as long at scale 2, quadratic work four times, and
/// bounded work about the same. One call is one whole connection (or message), new each call.
/// <list type="bullet">
/// <item>Reassembly: one-byte segments sent backwards with a hole between each (20,000 × scale).</item>
/// <item>Mail: a header field folded over 100,000 × scale five-byte lines, parsed as a message summary.</item>
/// <item>SMTP: a 400 × scale-line EHLO reply arriving a line per segment; 5,000 × scale failed AUTHs each followed by MAIL.</item>
/// <item>HTTP: a request whose Content-Type has 10,000 × scale parameters without a value.</item>
/// <item>IMAP: a 30,000 × scale-byte line arriving a byte per segment; 10,000 × scale known messages expunged one EXPUNGE line each;
/// 20,000 × scale untagged FETCH lines answering a command behind 999 pending ones.</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
public class HostileInputBenchmarks
{
    [Params(1, 2)]
    public int Scale { get; set; }

    private DecodedSegment[] _backwardPieces = null!;
    private byte[] _foldedMessage = null!;
    private StreamReplay _longReply = null!;
    private StreamReplay _authRounds = null!;
    private StreamReplay _valuelessParameters = null!;
    private StreamReplay _longImapLine = null!;
    private StreamReplay _expungeStorm = null!;
    private StreamReplay _untaggedBehindPending = null!;
    private readonly CountingSink _sink = new();
    private long _flowId;

    [GlobalSetup]
    public void Setup()
    {
        _backwardPieces = SyntheticFlow.Decode(BackwardPieces(20_000 * Scale));
        _foldedMessage = Encoding.ASCII.GetBytes("From: x@example.com\r\nX-Junk: a\r\n"
            + string.Concat(Enumerable.Repeat(" bb\r\n", 100_000 * Scale)) + "Subject: s\r\n\r\nbody\r\n");

        string replyLine = "250-" + new string('x', 120) + "\r\n";
        _longReply = new StreamReplay(
            [
                (Direction.ServerToClient, "220 mx ESMTP\r\n"u8.ToArray()),
                (Direction.ClientToServer, "EHLO me\r\n"u8.ToArray()),
                (Direction.ServerToClient, Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(replyLine, 400 * Scale - 1)) + "250 SIZE 1000\r\n")),
            ], serverPort: 25, segmentSize: replyLine.Length);
        Check(_longReply, new SmtpDissectorFactory(), records => records.OfType<SmtpSession>().Single().Commands.Single().Reply!.Lines.Count == 400 * Scale);

        _authRounds = new StreamReplay(
            [
                (Direction.ServerToClient, "220 mx ESMTP\r\n"u8.ToArray()),
                .. Enumerable.Range(0, 5_000 * Scale).SelectMany(_ => new (Direction, byte[])[]
                {
                    (Direction.ClientToServer, "AUTH PLAIN AHVzZXIAcGFzcw==\r\n"u8.ToArray()),
                    (Direction.ServerToClient, "535 5.7.8 failed\r\n"u8.ToArray()),
                    (Direction.ClientToServer, "MAIL FROM:<a@example.com>\r\n"u8.ToArray()),
                    (Direction.ServerToClient, "530 5.7.0 authentication required\r\n"u8.ToArray()),
                }),
            ], serverPort: 587);
        Check(_authRounds, new SmtpDissectorFactory(), records => records.OfType<SmtpSession>().Count() == 1);

        string body = "--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nHoliday\r\n--XyZ--\r\n";
        _valuelessParameters = new StreamReplay(
            [
                (Direction.ClientToServer, Encoding.ASCII.GetBytes("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Type: multipart/form-data"
                    + string.Concat(Enumerable.Repeat("; a", 10_000 * Scale)) + $"; boundary=XyZ\r\nContent-Length: {body.Length}\r\n\r\n{body}")),
                (Direction.ServerToClient, "HTTP/1.1 204 No Content\r\n\r\n"u8.ToArray()),
            ], serverPort: 80);
        var settings = DissectorSettings.Default with { MaxLineBytes = 256 * 1024, MaxHeaderBytes = 256 * 1024 };
        Check(_valuelessParameters, new HttpDissectorFactory(), records => records.OfType<HttpTransaction>().Single().Request!.Body!.Parts.Count == 1, settings);

        _longImapLine = new StreamReplay(
            [
                (Direction.ServerToClient, "* OK ready\r\n"u8.ToArray()),
                (Direction.ClientToServer, "a1 CAPABILITY\r\n"u8.ToArray()),
                (Direction.ServerToClient, Encoding.ASCII.GetBytes("* CAPABILITY IMAP4rev1 " + new string('X', 30_000 * Scale) + "\r\na1 OK done\r\n")),
            ], serverPort: 143, segmentSize: 1);
        Check(_longImapLine, new ImapDissectorFactory(), records => records.OfType<ImapSession>().Single().Capabilities.Count == 2);

        int messages = 10_000 * Scale;
        _expungeStorm = new StreamReplay(
            [
                (Direction.ServerToClient, "* OK ready\r\n"u8.ToArray()),
                (Direction.ClientToServer, "a1 SELECT INBOX\r\n"u8.ToArray()),
                (Direction.ServerToClient, Encoding.ASCII.GetBytes($"* {messages} EXISTS\r\na1 OK [READ-WRITE] done\r\n")),
                (Direction.ClientToServer, "a2 UID FETCH 1:* (FLAGS)\r\n"u8.ToArray()),
                (Direction.ServerToClient, Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(1, messages).Select(i => $"* {i} FETCH (UID {i} FLAGS ())\r\n")) + "a2 OK done\r\n")),
                (Direction.ClientToServer, "a3 EXPUNGE\r\n"u8.ToArray()),
                (Direction.ServerToClient, Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("* 1 EXPUNGE\r\n", messages)) + "a3 OK done\r\n")),
            ], serverPort: 143);
        Check(_expungeStorm, new ImapDissectorFactory(), records => records.OfType<ImapSession>().Single().Folders.Single().Messages.Count == messages);

        // 999 pipelined NOOPs the server leaves unanswered, then a FETCH answered by 20,000 × scale untagged lines:
        // each line's owner is the FETCH, behind every pending NOOP.
        int lines = 20_000 * Scale;
        _untaggedBehindPending = new StreamReplay(
            [
                (Direction.ServerToClient, "* OK ready\r\n"u8.ToArray()),
                (Direction.ClientToServer, Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(1, 999).Select(i => $"n{i} NOOP\r\n")) + "f1 FETCH 1:* (FLAGS)\r\n")),
                (Direction.ServerToClient, Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(1, lines).Select(i => $"* {i} FETCH (FLAGS (\\Seen))\r\n")) + "f1 OK done\r\n")),
            ], serverPort: 143);
        Check(_untaggedBehindPending, new ImapDissectorFactory(),
            records => records.OfType<ImapCommandRecord>().Single(c => c.Tag == "f1").UntaggedResponses == lines);
    }

    [Benchmark]
    public long ReassemblyOneBytePiecesBackwards()
    {
        var reassembler = new TcpReassembler(ReassemblyOptions.Default, new DissectorRegistry(), _sink);
        foreach (DecodedSegment segment in _backwardPieces) reassembler.Process(segment.ToSegment());
        reassembler.Complete(_backwardPieces[^1].TimestampNs);
        return reassembler.Counters.BytesDelivered;
    }

    [Benchmark]
    public int MailHeaderFieldFoldedOverShortLines() => MessageSummary.Parse(_foldedMessage.AsMemory()).Problems.Count;

    [Benchmark]
    public long SmtpMultilineReplyALinePerSegment() => Play(_longReply, new SmtpDissectorFactory());

    [Benchmark]
    public long SmtpFailedAuthThenMailRepeated() => Play(_authRounds, new SmtpDissectorFactory());

    [Benchmark]
    public long HttpContentTypeOfValuelessParameters() =>
        Play(_valuelessParameters, new HttpDissectorFactory(), DissectorSettings.Default with { MaxLineBytes = 256 * 1024, MaxHeaderBytes = 256 * 1024 });

    [Benchmark]
    public long ImapLongLineAByteAtATime() => Play(_longImapLine, new ImapDissectorFactory());

    [Benchmark]
    public long ImapExpungeStorm() => Play(_expungeStorm, new ImapDissectorFactory());

    [Benchmark]
    public long ImapUntaggedLinesBehindPendingCommands() => Play(_untaggedBehindPending, new ImapDissectorFactory());

    private long Play(StreamReplay connection, IDissectorFactory factory, DissectorSettings? settings = null)
    {
        connection.Play(factory, ++_flowId, _sink, settings ?? DissectorSettings.Default);
        return _sink.Records;
    }

    /// <summary>Throws unless one play of the connection gives what the benchmark claims to measure.</summary>
    private static void Check(StreamReplay connection, IDissectorFactory factory, Func<IEnumerable<SnifferRecord>, bool> expected, DissectorSettings? settings = null)
    {
        var records = new ListSink();
        connection.Play(factory, 1, records, settings ?? DissectorSettings.Default);
        if (!expected(records.Records)) throw new InvalidOperationException($"{factory.GetType().Name}: the hostile input did not give the records expected");
    }

    /// <summary>A handshake, one byte at offset 0, then one byte at 2n, 2n-2, … 2: each in front of all before it, the odd offsets never sent.</summary>
    private static IReadOnlyList<SyntheticFrame> BackwardPieces(int pieces)
    {
        var tcp = new TcpConversation("192.0.2.10:51234", "198.51.100.20:80");
        tcp.Handshake();
        uint first = tcp.ClientNextSequence;
        tcp.RawSegment(fromClient: true, first, "x"u8);
        for (int i = pieces; i >= 1; i--) tcp.RawSegment(fromClient: true, first + (uint)(2 * i), "y"u8);
        return tcp.Frames;
    }
}
